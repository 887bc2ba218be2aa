package dev.shrink.minify;

import dev.shrink.elf.ElfFile;
import dev.shrink.elf.LibraryResolver;
import dev.shrink.fs.RootFs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Map;

/** Adds the library closure of every kept ELF file not resolved yet, until nothing new comes in. */
record ResolveLibraries(Map<String, String> env) implements Step {
  @Override
  public void apply(Selection s) throws IOException {
    RootFs root = s.files.root();
    LibraryResolver resolver = new LibraryResolver(root, env);
    boolean changed = true;
    while (changed) {
      changed = false;
      for (String path : new ArrayList<>(s.files.paths())) {
        Path file = root.host(path);
        if (s.elfDone.contains(path) || !Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
          continue;
        }
        s.elfDone.add(path);
        if (ElfFile.parse(file).isEmpty()) {
          continue;
        }
        LibraryResolver.Closure closure = resolver.resolve(path);
        // the file's own requirement says only that it was analysed: its reasons are those it was kept for
        s.files.addAll(closure.requirements().stream().filter(r -> !r.path().equals(path)).toList());
        closure.missing().forEach(m -> s.problems.add("elf: " + m.neededBy() + " needs " + m.name() + ", not found (searched " + m.searched() + ")"));
        changed = true;
      }
    }
  }
}

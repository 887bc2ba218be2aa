package dev.shrink.minify;

import dev.shrink.elf.ElfFile;
import dev.shrink.elf.LibraryResolver;
import dev.shrink.fs.RootFs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Adds the library closure of every kept ELF file not resolved yet, until nothing new comes in. A
 * library that a file resolved alone lacks is not a problem when a chain that loads that file finds
 * it (glibc searches the DT_RPATH of every object up the chain: scipy's libgfortran has none, the
 * extension loading it names scipy.libs).
 */
record ResolveLibraries(Map<String, String> env) implements Step {
  @Override
  public void apply(Selection s) throws IOException {
    RootFs root = s.files.root();
    LibraryResolver resolver = new LibraryResolver(root, env);
    List<LibraryResolver.Missing> missing = new ArrayList<>();
    Map<String, Set<String>> foundInChains = new HashMap<>(); // real path of a library loaded as a dependency -> names its chain loaded
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
        List<String> names = closure.objects().stream().map(LibraryResolver.Loaded::name).toList();
        closure.objects().stream().skip(1).forEach(o -> foundInChains.computeIfAbsent(o.realPath(), k -> new HashSet<>()).addAll(names));
        missing.addAll(closure.missing());
        changed = true;
      }
    }
    missing.stream()
        .filter(m -> !foundInChains.getOrDefault(root.resolve(m.neededBy()).map(RootFs.Resolved::path).orElse(m.neededBy()), Set.of())
            .contains(m.name()))
        .forEach(m -> s.problems.add("elf: " + m.neededBy() + " needs " + m.name() + ", not found (searched " + m.searched() + ")"));
  }
}

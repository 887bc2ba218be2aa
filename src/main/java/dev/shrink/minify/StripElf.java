package dev.shrink.minify;

import dev.shrink.elf.ElfFile;
import dev.shrink.elf.ElfStrip;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Stripped copies, in {@code workDir/stripped}, of the kept ELF files that carry a symbol table or
 * debug sections ({@code --strip}); files shrink writes itself are not ELF.
 */
record StripElf(Path workDir) implements Step {
  @Override
  public void apply(Selection s) throws IOException {
    Path dir = workDir.resolve("stripped");
    Map<String, Path> out = new HashMap<>();
    for (String path : s.files.paths()) {
      Path file = s.files.root().host(path);
      if (s.written.containsKey(path) || !Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
        continue;
      }
      Optional<ElfFile> elf = ElfFile.parse(file);
      if (elf.isPresent() && (elf.get().hasSymtab() || elf.get().hasDebugInfo())) {
        Path target = Files.createDirectories(dir).resolve(out.size() + "-" + file.getFileName());
        if (ElfStrip.strip(file, target)) {
          out.put(path, target);
        }
      }
    }
    s.stripped = out;
  }
}

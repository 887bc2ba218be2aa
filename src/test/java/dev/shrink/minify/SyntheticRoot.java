package dev.shrink.minify;

import dev.shrink.elf.ElfFile;
import dev.shrink.fs.RootFs;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.stream.Stream;

/**
 * Roots made by a test, without an engine: files written by the test, and optionally the host's
 * Debian python3.11 (the interpreter, its libraries, part of its standard library) copied in.
 */
final class SyntheticRoot {
  static final String STDLIB = "/usr/lib/python3.11";
  static final String LIBDIR = "/lib/x86_64-linux-gnu";
  private static final List<String> PACKAGES = List.of("encodings", "json", "collections", "importlib", "re");

  private SyntheticRoot() {}

  /** An empty root in {@code dir} with a /tmp (every image has it). */
  static RootFs empty(Path dir) throws IOException {
    RootFs root = new RootFs(Files.createDirectories(dir));
    Files.createDirectories(root.host("/tmp"));
    return root;
  }

  /** A root with the host's python3.11 at /usr/bin/python3.11 (and the link python3), its libraries and part of its standard library. */
  static RootFs python(Path dir) throws IOException {
    RootFs root = empty(dir);
    copy(root, "/usr/bin/python3.11");
    Files.createSymbolicLink(root.host("/usr/bin/python3"), Path.of("python3.11"));
    ElfFile python = ElfFile.parse(Path.of("/usr/bin/python3.11")).orElseThrow();
    copy(root, python.interpreter().orElseThrow());
    for (String lib : python.needed()) {
      copy(root, LIBDIR + "/" + lib);
    }
    copy(root, "/etc/ld.so.conf");
    copyTree(root, "/etc/ld.so.conf.d", false);
    copyTree(root, STDLIB, false);
    for (String p : PACKAGES) {
      copyTree(root, STDLIB + "/" + p, true);
    }
    return root;
  }

  static void copy(RootFs root, String path) throws IOException {
    Path to = root.host(path);
    Files.createDirectories(to.getParent());
    Files.copy(Path.of(path), to, StandardCopyOption.COPY_ATTRIBUTES);
  }

  /** The .py and .conf files of {@code path} (with its sub-directories when {@code deep}). */
  static void copyTree(RootFs root, String path, boolean deep) throws IOException {
    try (Stream<Path> s = deep ? Files.walk(Path.of(path)) : Files.list(Path.of(path))) {
      for (Path p : s.filter(Files::isRegularFile).filter(p -> p.toString().endsWith(".py") || p.toString().endsWith(".conf")).toList()) {
        copy(root, p.toString());
      }
    }
  }

  static void write(RootFs root, String path, String text) throws IOException {
    Path to = root.host(path);
    Files.createDirectories(to.getParent());
    Files.writeString(to, text, StandardCharsets.UTF_8);
  }
}

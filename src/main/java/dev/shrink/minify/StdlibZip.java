package dev.shrink.minify;

import dev.shrink.closure.Analyser;
import dev.shrink.closure.Requirement;
import dev.shrink.deflate.Deflate;
import dev.shrink.fs.RootFs;
import dev.shrink.layer.NamedOutput;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Moves the standard library's sourceless bytecode into the interpreter's own
 * {@code PREFIX/lib/pythonXY.zip}: CPython puts that file on sys.path before the standard library's
 * directory and imports from it with the frozen zipimport, reading and inflating in memory (nothing
 * is written, nothing unpacks). Each module is deflated on its own, so the image holds less on disk;
 * the layer's own compression then finds less to gain (see docs/decisions.md for the measured trade).
 *
 * <p>Only whole top-level modules and packages move, and only when every file kept of them is
 * sourceless bytecode: a package with a data file, a kept source or a link stays a directory, since
 * its code may read its files beside {@code __file__}. {@code lib-dynload} (extension modules, which
 * zipimport cannot load) and site-packages below the standard library stay where they are. Nothing
 * moves when the image already has the zip.
 */
final class StdlibZip {
  private static final LocalDateTime DOS_EPOCH = LocalDateTime.of(1980, 1, 1, 0, 0);

  private StdlibZip() {}

  /**
   * The kept set with the moved files replaced by the zip (image path {@code zip}, written to
   * {@code file}); {@code members} are the moved bytecode files by image path, for the report.
   */
  record Result(FileSet kept, String zip, Path file, Map<String, Member> members) {}

  /** A file moved into the zip: why it was kept, and its size before deflating. */
  record Member(List<Requirement> reasons, long size) {}

  /**
   * @param zip the zip's image path (the sys.path entry {@code PREFIX/lib/pythonXY.zip})
   * @param stdlib the standard library's directory, {@code PREFIX/lib/pythonX.Y}
   * @param contents where bytes come from when not from the root (bytecode compiled or moved)
   */
  static Optional<Result> apply(FileSet files, String zip, String stdlib, Map<String, Path> contents, Path file, long epochSeconds)
      throws IOException {
    RootFs root = files.root();
    if (files.contains(zip) || Files.exists(root.host(zip), LinkOption.NOFOLLOW_LINKS)) {
      return Optional.empty();
    }
    Map<String, List<String>> groups = new TreeMap<>();
    String prefix = stdlib + "/";
    for (String path : files.paths()) {
      if (path.startsWith(prefix)) {
        String rel = path.substring(prefix.length());
        groups.computeIfAbsent(rel.split("/", 2)[0], k -> new ArrayList<>()).add(path);
      }
    }
    Map<String, Member> members = new LinkedHashMap<>();
    TreeSet<String> moved = new TreeSet<>();
    List<String> tops = new ArrayList<>();
    Map<String, List<Requirement>> reasons = files.reasons();
    for (Map.Entry<String, List<String>> group : groups.entrySet()) {
      String top = group.getKey();
      List<String> paths = group.getValue();
      if (top.equals("lib-dynload") || top.endsWith("-packages") || paths.stream().noneMatch(p -> p.endsWith(".pyc"))
          || !paths.stream().allMatch(p -> movable(root, p, contents))) {
        continue;
      }
      tops.add(top.replaceFirst("\\.pyc$", ""));
      moved.addAll(paths);
      for (String p : paths) {
        if (p.endsWith(".pyc")) {
          members.put(p, new Member(reasons.get(p), Files.size(contents.getOrDefault(p, root.host(p)))));
        }
      }
    }
    if (members.isEmpty()) {
      return Optional.empty();
    }
    write(file, prefix, moved, root, contents, epochSeconds);
    FileSet kept = files.without(moved);
    kept.addSynthetic(new Requirement(zip, Analyser.PYTHON, "the standard library's bytecode, zipped where the interpreter looks first on sys.path: "
        + members.size() + " files of " + String.join(", ", tops)));
    return Optional.of(new Result(kept, zip, file, members));
  }

  /** A directory, or a regular file of sourceless bytecode outside {@code __pycache__}. */
  private static boolean movable(RootFs root, String path, Map<String, Path> contents) {
    if (contents.containsKey(path)) {
      return path.endsWith(".pyc");
    }
    Path host = root.host(path);
    if (Files.isDirectory(host, LinkOption.NOFOLLOW_LINKS)) {
      return !path.endsWith("/__pycache__");
    }
    return path.endsWith(".pyc") && !path.contains("/__pycache__/") && Files.isRegularFile(host, LinkOption.NOFOLLOW_LINKS);
  }

  /**
   * A reproducible zip: entries sorted, every directory above a file listed (zipimport finds a
   * package's portion by its directory entry), one fixed time (the layers' mtime as a UTC wall
   * clock, at least 1980, zip's first date), no extra fields, each file deflated by shrink's
   * near-optimal encoder at its top effort (3.4% smaller than zlib's level 9 on Falcon's bytecode).
   */
  private static void write(Path file, String prefix, TreeSet<String> paths, RootFs root, Map<String, Path> contents, long epochSeconds)
      throws IOException {
    LocalDateTime time = LocalDateTime.ofEpochSecond(epochSeconds, 0, ZoneOffset.UTC);
    Files.createDirectories(file.getParent());
    TreeMap<String, Path> entries = new TreeMap<>();
    for (String path : paths) {
      Path host = contents.getOrDefault(path, root.host(path));
      if (contents.containsKey(path) || !Files.isDirectory(host, LinkOption.NOFOLLOW_LINKS)) {
        String name = path.substring(prefix.length());
        entries.put(name, host);
        for (int slash = name.indexOf('/'); slash > 0; slash = name.indexOf('/', slash + 1)) {
          entries.put(name.substring(0, slash + 1), null);
        }
      }
    }
    Deflate deflate = new Deflate(Deflate.MAX_EFFORT);
    try (OutputStream out = new BufferedOutputStream(NamedOutput.open(file), 1 << 16);
        ZipWriter zip = new ZipWriter(out, time.isBefore(DOS_EPOCH) ? DOS_EPOCH : time)) {
      for (Map.Entry<String, Path> e : entries.entrySet()) {
        if (e.getValue() == null) {
          zip.directory(e.getKey());
        } else {
          byte[] data = Files.readAllBytes(e.getValue());
          zip.deflated(e.getKey(), data, deflate.compress(data, 0, data.length, 0, Deflate.Finish.FINAL_BLOCK));
        }
      }
    }
  }
}

package dev.shrink.minify;

import dev.shrink.closure.Requirement;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Keeps one form of each module: where a kept {@code pkg/mod.py} has a valid
 * {@code pkg/__pycache__/mod.cpython-XY.pyc} (timestamp-checked, recording the source's mtime and
 * size, as the interpreter checks it), the bytecode moves beside as {@code pkg/mod.pyc} and the
 * source goes; the import system loads such sourceless bytecode directly. A source without valid
 * bytecode stays, and so does every file of {@code --keep-sources}.
 */
final class Sourceless {
  private static final Pattern CACHED = Pattern.compile("(.*)/__pycache__/([^/]+)\\.(cpython-\\d+)\\.pyc");

  private Sourceless() {}

  /** Applies the move in the unpacked root and returns the new kept set; {@code tag} is e.g. "cpython-311". */
  static FileSet apply(FileSet files, String tag) throws IOException {
    FileSet out = new FileSet(files.root());
    Map<String, List<Requirement>> all = files.reasons();
    java.util.Set<String> sourcesGone = new java.util.HashSet<>();
    java.util.Map<String, String> moved = new java.util.HashMap<>();
    for (String path : all.keySet()) {
      Matcher m = CACHED.matcher(path);
      if (!m.matches() || !m.group(3).equals(tag)) {
        continue;
      }
      String source = m.group(1) + "/" + m.group(2) + ".py";
      Path src = files.root().host(source);
      Path pyc = files.root().host(path);
      if (!all.containsKey(source) || !Files.isRegularFile(src, LinkOption.NOFOLLOW_LINKS) || !matches(pyc, src)) {
        continue;
      }
      String target = m.group(1) + "/" + m.group(2) + ".pyc";
      Files.move(pyc, files.root().host(target), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      moved.put(path, target);
      sourcesGone.add(source);
    }
    for (Map.Entry<String, List<Requirement>> e : all.entrySet()) {
      String path = e.getKey();
      if (sourcesGone.contains(path)) {
        continue;
      }
      String target = moved.get(path);
      for (Requirement r : e.getValue()) {
        if (target == null) {
          out.add(r);
        } else {
          String source = target.substring(0, target.length() - 1);
          List<Requirement> sourceReasons = all.get(source);
          out.add(new Requirement(target, r.analyser(), "sourceless bytecode of " + source + ": " + sourceReasons.get(0).reason()));
        }
      }
    }
    return out;
  }

  /** True when a timestamp-based pyc records the source's mtime and size, as CPython checks it. */
  static boolean matches(Path pyc, Path source) throws IOException {
    byte[] header;
    try (InputStream in = Files.newInputStream(pyc)) {
      header = in.readNBytes(16);
    }
    if (header.length < 16 || header[2] != '\r' || header[3] != '\n') {
      return false;
    }
    ByteBuffer b = ByteBuffer.wrap(header).order(ByteOrder.LITTLE_ENDIAN);
    int flags = b.getInt(4);
    if (flags != 0) {
      return false;
    }
    long mtime = b.getInt(8) & 0xffffffffL;
    long size = b.getInt(12) & 0xffffffffL;
    long sourceMtime = Files.getLastModifiedTime(source, LinkOption.NOFOLLOW_LINKS).toMillis() / 1000 & 0xffffffffL;
    long sourceSize = Files.size(source) & 0xffffffffL;
    return mtime == sourceMtime && size == sourceSize;
  }
}

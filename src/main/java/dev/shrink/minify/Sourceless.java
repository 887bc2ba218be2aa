package dev.shrink.minify;

import dev.shrink.closure.Requirement;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
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

  /** The kept set after the move, and where each moved bytecode file comes from in the root. */
  record Result(FileSet kept, Map<String, Path> moved) {}

  /** Plans the move (the root is not touched); {@code tag} is the interpreter's, e.g. "cpython-311". */
  static Result apply(FileSet files, String tag) throws IOException {
    Map<String, List<Requirement>> all = files.reasons();
    Map<String, Path> moved = new LinkedHashMap<>();
    Map<String, String> sourceOf = new HashMap<>();
    for (String path : all.keySet()) {
      Matcher m = CACHED.matcher(path);
      if (!m.matches() || !m.group(3).equals(tag)) {
        continue;
      }
      String source = m.group(1) + "/" + m.group(2) + ".py";
      Path src = files.root().host(source);
      Path pyc = files.root().host(path);
      if (all.containsKey(source) && Files.isRegularFile(src, LinkOption.NOFOLLOW_LINKS) && matches(pyc, src)) {
        String target = m.group(1) + "/" + m.group(2) + ".pyc";
        moved.put(target, pyc);
        sourceOf.put(path, source);
      }
    }
    // the kept entries are copied as they are: re-adding them would follow links again, bringing
    // back targets that were left out on purpose (excluded, or not taken from a host)
    java.util.Set<String> drop = new java.util.HashSet<>(sourceOf.values());
    drop.addAll(sourceOf.keySet());
    FileSet out = files.without(drop);
    sourceOf.forEach((pyc, source) -> {
      Requirement why = all.get(source).get(0);
      out.addSynthetic(new Requirement(source + "c", why.analyser(), "sourceless bytecode of " + source + ": " + why.reason()));
    });
    return new Result(out, moved);
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

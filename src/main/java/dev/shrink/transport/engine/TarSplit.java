package dev.shrink.transport.engine;

import dev.shrink.json.Json;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Base64;
import java.util.zip.GZIPInputStream;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * A layer's tar as it was stored, put back together from what containers/storage kept of it: its
 * tar-split file (gzipped JSON lines: {@code "type":2} segments, the raw bytes of headers and
 * padding in base64 {@code payload}; {@code "type":1} files, whose {@code size} bytes are those of
 * the file {@code name} in the layer's diff directory). The caller checks the bytes against the
 * layer's diff_id: a file that changed in the diff directory gives other bytes; one missing or
 * shorter than its entry, a name that is not UTF-8 ({@code name_raw}) fail here.
 */
final class TarSplit extends InputStream {
  private static final int SEGMENT = 2;
  private static final int FILE = 1;

  private final BufferedReader lines;
  private final Path diff;
  private final String what;
  private InputStream current;
  private long left;
  private String currentName;
  private boolean ended;

  /** Reads {@code tarSplit} (a .tar-split.gz) with the files of {@code diff}; {@code what} names the layer in errors. */
  TarSplit(Path tarSplit, Path diff, String what) throws IOException {
    this.lines = new BufferedReader(new InputStreamReader(new GZIPInputStream(Files.newInputStream(tarSplit), 1 << 16), StandardCharsets.UTF_8));
    this.diff = diff.toAbsolutePath().normalize();
    this.what = what;
  }

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    if (len == 0) {
      return 0;
    }
    while (!ended) {
      if (current != null) {
        int n = current.read(b, off, currentName == null ? len : (int) Math.min(len, left));
        if (n > 0) {
          left -= n;
          if (currentName != null && left == 0) {
            next();
          }
          return n;
        }
        if (currentName != null) {
          throw new IOException(what + ": " + diff.resolve(currentName) + " ends " + left + " bytes before its tar entry's size");
        }
        next();
      }
      advance();
    }
    return -1;
  }

  /** Closes the current part. */
  private void next() throws IOException {
    InputStream done = current;
    current = null;
    currentName = null;
    done.close();
  }

  /** Opens the next part: a segment's bytes or a file's; at the last line, the end. */
  private void advance() throws IOException {
    String line = lines.readLine();
    if (line == null) {
      ended = true;
      return;
    }
    JsonNode entry;
    try {
      entry = Json.MAPPER.readTree(line);
    } catch (JacksonException e) {
      throw new IOException(what + ": tar-split line is not JSON: " + e.getOriginalMessage());
    }
    switch (entry.path("type").asInt(0)) {
      case SEGMENT -> current = new ByteArrayInputStream(bytes(entry.path("payload")));
      case FILE -> {
        long size = entry.path("size").asLong(0);
        if (size > 0) {
          if (entry.has("name_raw")) { // a name that is not UTF-8: a path of this JVM cannot hold it
            throw new IOException(what + ": a file name that is not UTF-8 (tar-split name_raw)");
          }
          String name = entry.path("name").asString("");
          current = open(name);
          currentName = name;
          left = size;
        }
      }
      default -> throw new IOException(what + ": tar-split entry of unknown type " + entry.path("type"));
    }
  }

  private static byte[] bytes(JsonNode base64) throws IOException {
    try {
      return base64.isNull() || base64.isMissingNode() ? new byte[0] : Base64.getDecoder().decode(base64.asString());
    } catch (IllegalArgumentException e) {
      throw new IOException("tar-split payload is not base64: " + e.getMessage());
    }
  }

  /** A file of the diff directory by its tar name, never a link (the diff_id check stands behind what is read). */
  private InputStream open(String name) throws IOException {
    Path file = diff.resolve(name.startsWith("/") ? name.substring(1) : name).normalize();
    if (!file.startsWith(diff) || file.equals(diff)) {
      throw new IOException(what + ": tar-split names " + name + ", outside the layer");
    }
    try {
      return Files.newInputStream(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
    } catch (NoSuchFileException e) {
      throw new IOException(what + ": " + file + " is missing from the layer's diff directory");
    }
  }

  @Override
  public void close() throws IOException {
    try (lines) {
      if (current != null) {
        current.close();
      }
    }
  }
}

package dev.shrink.bytecode;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.shrink.json.Json;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The 16-byte header of a CPython 3.7+ bytecode file (PEP 552): magic number and {@code \r\n},
 * flags, then either the source's mtime and size (timestamp pyc, flags 0) or a SipHash of the
 * source (hash-based pyc, flags bit 0; bit 1 asks the importer to check it).
 */
public record Pyc(int magic, int flags, long mtime, long size) {
  /** python/magic.json: the bytecode magic number of each CPython release line. */
  private record Magic(@JsonProperty("_comment") String comment, Map<String, Integer> magic) {}

  private static final Magic MAGIC = Json.resource("/python/magic.json", Magic.class);

  /** The header of a .pyc file, or empty when it is too short or no bytecode file. */
  public static Optional<Pyc> read(Path pyc) throws IOException {
    byte[] header;
    try (InputStream in = Files.newInputStream(pyc)) {
      header = in.readNBytes(16);
    }
    if (header.length < 16 || header[2] != '\r' || header[3] != '\n') {
      return Optional.empty();
    }
    ByteBuffer b = ByteBuffer.wrap(header).order(ByteOrder.LITTLE_ENDIAN);
    return Optional.of(new Pyc(b.getShort(0) & 0xffff, b.getInt(4), b.getInt(8) & 0xffffffffL, b.getInt(12) & 0xffffffffL));
  }

  /** The magic number of a CPython version ("3.11" is 3495), from {@code python/magic.json}; empty when not known. */
  public static OptionalInt magic(String version) {
    Integer n = MAGIC.magic().get(version);
    return n == null ? OptionalInt.empty() : OptionalInt.of(n);
  }

  public boolean hashBased() {
    return (flags & 1) != 0;
  }

  /**
   * True when an interpreter with {@code expectedMagic} would use this bytecode for {@code source}
   * without compiling it again: a timestamp pyc recording the source's mtime (seconds) and size,
   * each modulo 2^32, as CPython checks them. Hash-based pycs are never taken: whether an
   * unchecked one matches its source is unknown without the interpreter's keyed SipHash.
   */
  public boolean validFor(int expectedMagic, Path source) throws IOException {
    if (magic != expectedMagic || flags != 0) {
      return false;
    }
    long sourceMtime = Files.getLastModifiedTime(source, LinkOption.NOFOLLOW_LINKS).toMillis() / 1000 & 0xffffffffL;
    long sourceSize = Files.size(source) & 0xffffffffL;
    return mtime == sourceMtime && size == sourceSize;
  }
}

package dev.shrink.transport.archive;

import dev.shrink.image.CountingDigestStream;
import dev.shrink.image.Descriptor;
import dev.shrink.image.ImageException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/** Where an image layout is written: a directory or a tar; {@link #commit} makes it visible. */
interface TreeWriter extends AutoCloseable {
  boolean has(String name);

  /** Writes a file of a known size; for a blob, {@code expected} is checked while it streams. */
  void put(String name, long size, InputStream in, Descriptor expected) throws IOException;

  default void put(String name, byte[] bytes) throws IOException {
    put(name, bytes.length, new java.io.ByteArrayInputStream(bytes), null);
  }

  /** Makes everything written visible at once; without it, close() leaves the destination as it was. */
  void commit() throws IOException;

  @Override
  void close() throws IOException;

  /** Copies {@code in} to {@code out} and checks size and digest against a descriptor. */
  static void copyChecked(InputStream in, OutputStream out, String name, long size, Descriptor expected) throws IOException {
    CountingDigestStream counted = new CountingDigestStream(out);
    in.transferTo(counted);
    counted.flush();
    if (counted.count() != size) {
      throw new ImageException(name + ": expected " + size + " bytes, got " + counted.count());
    }
    if (expected != null && !counted.digest().equals(expected.digest())) {
      throw new ImageException(name + ": content has digest " + counted.digest() + ", expected " + expected.digest());
    }
  }
}

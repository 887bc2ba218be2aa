package dev.shrink.transport.archive;

import dev.shrink.image.ImageException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/** Where an image layout is written: a directory or a tar; {@link #commit} makes it visible. */
interface TreeWriter extends AutoCloseable {
  boolean has(String name);

  /**
   * Writes a file of a known size. A blob comes from {@link dev.shrink.image.Image#open}, which
   * checks its digest as it streams: a wrong one fails before the write is committed.
   */
  void put(String name, long size, InputStream in) throws IOException;

  default void put(String name, byte[] bytes) throws IOException {
    put(name, bytes.length, new java.io.ByteArrayInputStream(bytes));
  }

  /** Makes everything written visible at once; without it, close() leaves the destination as it was. */
  void commit() throws IOException;

  @Override
  void close() throws IOException;

  /** Copies {@code in} to {@code out}, which must take exactly {@code size} bytes. */
  static void copyChecked(InputStream in, OutputStream out, String name, long size) throws IOException {
    long n = in.transferTo(out);
    if (n != size) {
      throw new ImageException(name + ": expected " + size + " bytes, got " + n);
    }
  }
}

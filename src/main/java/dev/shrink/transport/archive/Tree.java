package dev.shrink.transport.archive;

import dev.shrink.image.ImageException;
import java.io.IOException;
import java.io.InputStream;

/** The files of an image layout, in a directory or inside a tar: read by relative name. */
interface Tree extends AutoCloseable {
  boolean exists(String name);

  InputStream open(String name) throws IOException;

  /** A whole file of at most {@code max} bytes; {@code what} names it in the error for a larger one. */
  default byte[] read(String name, int max, String what) throws IOException {
    try (InputStream in = open(name)) {
      byte[] bytes = in.readNBytes(max + 1);
      if (bytes.length > max) {
        throw new ImageException(what + " is larger than " + (max >> 20) + " MiB; refusing to read it");
      }
      return bytes;
    }
  }

  @Override
  void close() throws IOException;
}

package dev.shrink.transport.archive;

import java.io.IOException;
import java.io.InputStream;

/** The files of an image layout, in a directory or inside a tar: read by relative name. */
interface Tree extends AutoCloseable {
  boolean exists(String name);

  InputStream open(String name) throws IOException;

  default byte[] read(String name) throws IOException {
    try (InputStream in = open(name)) {
      return in.readAllBytes();
    }
  }

  @Override
  void close() throws IOException;
}

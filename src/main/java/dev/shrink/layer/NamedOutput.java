package dev.shrink.layer;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.OpenOption;
import java.nio.file.Path;

/**
 * A file's output stream whose failures name what was being written: the JDK's say only
 * "No space left on device".
 */
public final class NamedOutput extends FilterOutputStream {
  private final String name;

  private NamedOutput(OutputStream out, String name) {
    super(out);
    this.name = name;
  }

  /** Opens {@code file}; a failure names {@code name} (the destination the file becomes, or the file). */
  public static OutputStream open(Path file, String name, OpenOption... options) throws IOException {
    return wrap(Files.newOutputStream(file, options), name);
  }

  /** A stream whose failures name {@code name}. */
  public static OutputStream wrap(OutputStream out, String name) {
    return new NamedOutput(out, name);
  }

  public static OutputStream open(Path file, OpenOption... options) throws IOException {
    return open(file, file.toString(), options);
  }

  @Override
  public void write(int b) throws IOException {
    try {
      out.write(b);
    } catch (IOException e) {
      throw named(e);
    }
  }

  @Override
  public void write(byte[] b, int off, int len) throws IOException {
    try {
      out.write(b, off, len);
    } catch (IOException e) {
      throw named(e);
    }
  }

  @Override
  public void flush() throws IOException {
    try {
      out.flush();
    } catch (IOException e) {
      throw named(e);
    }
  }

  @Override
  public void close() throws IOException {
    try {
      out.close();
    } catch (IOException e) {
      throw named(e);
    }
  }

  private IOException named(IOException e) {
    return new IOException("writing " + name + ": " + e.getMessage(), e);
  }
}

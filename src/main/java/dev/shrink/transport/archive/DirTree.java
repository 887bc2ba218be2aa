package dev.shrink.transport.archive;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** A layout directory; names with ".." or absolute names are refused. */
final class DirTree implements Tree {
  private final Path dir;

  DirTree(Path dir) {
    this.dir = dir;
  }

  private Path file(String name) throws IOException {
    Path p = dir.resolve(name).normalize();
    if (!p.startsWith(dir) || name.startsWith("/")) {
      throw new IOException("'" + name + "' points outside " + dir);
    }
    return p;
  }

  @Override
  public boolean exists(String name) {
    try {
      return Files.isRegularFile(file(name), LinkOption.NOFOLLOW_LINKS);
    } catch (IOException e) {
      return false;
    }
  }

  @Override
  public InputStream open(String name) throws IOException {
    Path p = file(name);
    if (!Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
      throw new NoSuchFileException(p.toString());
    }
    return Files.newInputStream(p);
  }

  @Override
  public void close() {}
}

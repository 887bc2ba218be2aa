package dev.shrink.transport.archive;

import dev.shrink.layer.NamedOutput;
import dev.shrink.layer.TempFiles;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Writes into a layout directory. Each file lands by an atomic rename, blobs are content-addressed,
 * and index.json is written last: an aborted write leaves the old layout valid, and a directory
 * that did not exist before is removed.
 */
final class DirTreeWriter implements TreeWriter {
  /** How the name of a blob being written starts, before its rename. */
  static final String PARTIAL = ".partial-";

  private final Path dir;
  private final boolean created;
  private boolean committed;

  DirTreeWriter(Path dir) throws IOException {
    this.dir = dir.toAbsolutePath().normalize();
    this.created = !Files.exists(this.dir, LinkOption.NOFOLLOW_LINKS);
    Files.createDirectories(this.dir);
    if (created) {
      TempFiles.deleteOnExit(this.dir);
    }
  }

  @Override
  public boolean has(String name) {
    return Files.isRegularFile(dir.resolve(name), LinkOption.NOFOLLOW_LINKS);
  }

  @Override
  public void put(String name, long size, InputStream in) throws IOException {
    Path target = dir.resolve(name).normalize();
    if (!target.startsWith(dir)) {
      throw new IOException("'" + name + "' points outside " + dir);
    }
    Files.createDirectories(target.getParent());
    Path temp = TempFiles.deleteOnExit(Files.createTempFile(target.getParent(), PARTIAL, ""));
    try {
      try (OutputStream out = NamedOutput.open(temp, target.toString())) {
        TreeWriter.copyChecked(in, out, name, size);
      }
      Files.setPosixFilePermissions(temp, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
      Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } finally {
      TempFiles.deleteTree(temp);
    }
  }

  @Override
  public void commit() {
    committed = true;
    TempFiles.keep(dir);
  }

  @Override
  public void close() {
    if (!committed && created) {
      TempFiles.deleteTree(dir);
    }
  }
}

package dev.shrink.transport.archive;

import dev.shrink.layer.LayerCompression;
import dev.shrink.layer.NamedOutput;
import dev.shrink.layer.TempFiles;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Writes into a layout directory. Each file lands by an atomic rename, blobs are content-addressed,
 * and index.json is written last: an aborted write leaves the old layout valid. Removing a layout
 * that a failed write made is {@link LayoutLock}'s: other writers may be waiting for it.
 */
final class DirTreeWriter implements TreeWriter {
  /** How the name of a blob being written starts, before its rename. */
  static final String PARTIAL = ".partial-";

  private final Path dir;

  /** Writes into {@code dir}, which exists. */
  DirTreeWriter(Path dir) {
    this.dir = dir.toAbsolutePath().normalize();
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
      publish(temp, target);
    } finally {
      TempFiles.deleteTree(temp);
    }
  }

  /**
   * Layers compressed straight into the layout's blobs: each written to a partial file there and
   * renamed to its digest when whole (a blob nothing names yet leaves the layout valid).
   */
  LayerCompression.Placement blobs() throws IOException {
    Path blobs = Files.createDirectories(dir.resolve("blobs/sha256"));
    return new LayerCompression.Placement(() -> TempFiles.deleteOnExit(Files.createTempFile(blobs, PARTIAL, "")), (file, digest) -> {
      Path target = dir.resolve(OciLayout.blobPath(digest));
      publish(file, target);
      TempFiles.keep(file);
      return target;
    });
  }

  /** A whole partial file made readable to all (as a file made by the shell) and renamed to {@code target} at once. */
  private static void publish(Path partial, Path target) throws IOException {
    Files.setPosixFilePermissions(partial, PosixFilePermissions.fromString("rw-r--r--"));
    Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  /** Nothing to do: index.json, written last, made the image visible. */
  @Override
  public void commit() {}

  @Override
  public void close() {}
}

package dev.shrink.transport.archive;

import dev.shrink.image.ImageException;
import dev.shrink.layer.TempFiles;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * One writer's turn at an OCI layout: an exclusive lock on {@code DIR/index.json.lock}, held from
 * reading index.json to replacing it, so no writer's tag is lost (the file stays: removing a lock
 * file races with the next writer). A writer that made the layout's directory owns it until some
 * writer commits there; an owner that fails removes the layout while it holds the lock, after
 * writing one byte into the lock file (a layout's lock file is otherwise empty). A writer that
 * waited for that lock sees the byte, or a lock file that is gone or another, and starts again.
 * Nothing here opens the lock file a second time: closing any descriptor of a file drops the
 * process's locks on it.
 */
final class LayoutLock implements AutoCloseable {
  static final String NAME = "index.json.lock";

  private final Path dir;
  private final FileChannel channel;
  private final boolean owned;
  private boolean committed;

  private LayoutLock(Path dir, FileChannel channel, boolean owned) {
    this.dir = dir;
    this.channel = channel;
    this.owned = owned;
    if (owned) {
      TempFiles.deleteOnExit(dir);
    }
  }

  /** Makes the layout's directory when it is missing and waits for its lock; {@code name} is the layout's in errors. */
  static LayoutLock take(Path dir, String name) throws IOException {
    Path abs = dir.toAbsolutePath().normalize();
    for (int attempt = 0; attempt < 100; attempt++) {
      boolean made = makeDirectory(abs);
      FileChannel channel = acquire(abs.resolve(NAME));
      if (channel != null) {
        return new LayoutLock(abs, channel, made && !Files.exists(abs.resolve("index.json")));
      }
    }
    throw new ImageException(name + ": removed 100 times while this write waited for its turn");
  }

  /** Makes {@code dir} and its parents; whether this call made {@code dir} itself (false: it was there). */
  private static boolean makeDirectory(Path dir) throws IOException {
    if (dir.getParent() != null) {
      Files.createDirectories(dir.getParent());
    }
    try {
      Files.createDirectory(dir);
      return true;
    } catch (FileAlreadyExistsException e) {
      return false;
    }
  }

  /** The lock file's channel, locked; null when the layout was removed while this writer waited. */
  private static FileChannel acquire(Path file) throws IOException {
    FileChannel channel;
    try {
      channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS);
    } catch (NoSuchFileException e) {
      return null; // the directory went meanwhile
    }
    try {
      Object opened = key(file);
      channel.lock(); // held until the channel closes
      if (opened != null && channel.size() == 0 && opened.equals(key(file))) {
        return channel;
      }
    } catch (IOException | RuntimeException e) {
      channel.close();
      throw e;
    }
    channel.close();
    return null;
  }

  /** The file's identity (device and inode), read without opening it; null when it is gone. */
  private static Object key(Path file) throws IOException {
    try {
      return Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey();
    } catch (NoSuchFileException e) {
      return null;
    }
  }

  /** The image is in the layout: it is no longer this writer's to remove. */
  void commit() {
    committed = true;
    TempFiles.keep(dir);
  }

  @Override
  public void close() throws IOException {
    try {
      if (owned && !committed) {
        channel.write(ByteBuffer.wrap(new byte[] {1}), 0);
        TempFiles.deleteTree(dir);
      }
    } finally {
      channel.close();
    }
  }
}

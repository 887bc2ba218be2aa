package dev.shrink.transport.archive;

import dev.shrink.image.ImageException;
import dev.shrink.layer.NamedOutput;
import dev.shrink.layer.TempFiles;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.HashSet;
import java.util.Set;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;

/**
 * Writes an archive into a temp file beside the destination and moves it into place on commit;
 * entries carry fixed metadata so the same content always gives the same bytes. An existing
 * destination is replaced only when asked to; otherwise it is refused up front and, should one
 * appear meanwhile, at commit (a hard link, which never replaces).
 */
final class TarTreeWriter implements TreeWriter {
  private final Path target;
  private final Path temp;
  private final boolean overwrite;
  private final TarArchiveOutputStream tar;
  private final Set<String> names = new HashSet<>();
  private final Set<String> dirs = new HashSet<>();
  private boolean committed;

  TarTreeWriter(Path target, boolean overwrite) throws IOException {
    this.target = target.toAbsolutePath().normalize();
    this.overwrite = overwrite;
    Path parent = this.target.getParent();
    if (!Files.isDirectory(parent)) {
      throw new IOException("directory " + parent + " does not exist");
    }
    if (!overwrite && Files.exists(this.target, LinkOption.NOFOLLOW_LINKS)) {
      throw exists();
    }
    String partial = "." + this.target.getFileName() + ".partial-";
    removeStale(parent, partial);
    this.temp = TempFiles.deleteOnExit(Files.createTempFile(parent, partial, ""));
    FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE);
    channel.lock(); // held while writing (until the stream closes): a partial file nobody holds is a killed run's
    OutputStream out = new BufferedOutputStream(NamedOutput.wrap(Channels.newOutputStream(channel), this.target.toString()), 1 << 16);
    this.tar = new TarArchiveOutputStream(out);
    tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
    tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
  }

  /** Removes the partial files of writes that were killed (SIGKILL runs no cleanup): those no process holds a lock on. */
  private static void removeStale(Path parent, String partial) throws IOException {
    try (DirectoryStream<Path> stale = Files.newDirectoryStream(parent, p -> p.getFileName().toString().startsWith(partial))) {
      for (Path p : stale) {
        try (FileChannel c = FileChannel.open(p, StandardOpenOption.WRITE)) {
          if (c.tryLock() != null) {
            Files.delete(p);
          }
        } catch (OverlappingFileLockException | NoSuchFileException e) {
          // written by this JVM, or gone meanwhile
        }
      }
    }
  }

  @Override
  public boolean has(String name) {
    return names.contains(name);
  }

  @Override
  public void put(String name, long size, InputStream in) throws IOException {
    int slash = name.lastIndexOf('/');
    if (slash > 0) {
      directory(name.substring(0, slash));
    }
    TarArchiveEntry e = entry(name, TarConstants.LF_NORMAL, 0644);
    e.setSize(size);
    tar.putArchiveEntry(e);
    TreeWriter.copyChecked(in, tar, name, size);
    tar.closeArchiveEntry();
    names.add(name);
  }

  private void directory(String name) throws IOException {
    if (dirs.contains(name)) {
      return;
    }
    int slash = name.lastIndexOf('/');
    if (slash > 0) {
      directory(name.substring(0, slash));
    }
    tar.putArchiveEntry(entry(name + "/", TarConstants.LF_DIR, 0755));
    tar.closeArchiveEntry();
    dirs.add(name);
  }

  private static TarArchiveEntry entry(String name, byte type, int mode) {
    TarArchiveEntry e = new TarArchiveEntry(name, type);
    e.setMode((type == TarConstants.LF_DIR ? 040000 : 0100000) | mode);
    e.setModTime(0);
    e.setIds(0, 0);
    e.setNames("", "");
    return e;
  }

  @Override
  public void commit() throws IOException {
    tar.finish();
    tar.close();
    Files.setPosixFilePermissions(temp, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
    if (overwrite) {
      Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } else {
      try {
        Files.createLink(target, temp);
      } catch (FileAlreadyExistsException e) {
        throw exists();
      }
      Files.delete(temp);
    }
    TempFiles.keep(temp);
    committed = true;
  }

  private ImageException exists() {
    return new ImageException(target + " exists; refusing to replace it (--overwrite replaces it)");
  }

  @Override
  public void close() throws IOException {
    if (!committed) {
      try {
        tar.close();
      } finally {
        TempFiles.deleteTree(temp);
      }
    }
  }
}

package dev.shrink.transport.archive;

import dev.shrink.image.ImageException;
import dev.shrink.layer.NamedOutput;
import dev.shrink.layer.TempFiles;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
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
    this.temp = TempFiles.deleteOnExit(Files.createTempFile(parent, "." + this.target.getFileName() + ".partial-", ""));
    OutputStream out = new BufferedOutputStream(NamedOutput.open(temp, this.target.toString()), 1 << 16);
    this.tar = new TarArchiveOutputStream(out);
    tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
    tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
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

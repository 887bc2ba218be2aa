package dev.shrink.transport.archive;

import dev.shrink.fs.RootFs;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarFile;

/** An uncompressed tar read with random access (what docker save and podman save write). */
final class TarTree implements Tree {
  private final TarFile tar;
  private final Map<String, TarArchiveEntry> entries = new HashMap<>();

  TarTree(Path file) throws IOException {
    this.tar = new TarFile(file);
    for (TarArchiveEntry e : tar.getEntries()) {
      entries.put(normal(e.getName()), e);
    }
  }

  private static String normal(String name) {
    return RootFs.normalize(name).substring(1);
  }

  private TarArchiveEntry entry(String name) throws IOException {
    String current = normal(name);
    for (int hops = 0; hops < 10; hops++) {
      TarArchiveEntry e = entries.get(current);
      if (e == null) {
        throw new NoSuchFileException(name);
      }
      if (!e.isSymbolicLink() && !e.isLink()) {
        return e;
      }
      String target = e.getLinkName();
      current = e.isSymbolicLink() && !target.startsWith("/")
          ? normal(RootFs.parent("/" + current) + "/" + target)
          : normal(target);
    }
    throw new IOException("too many links at " + name);
  }

  @Override
  public boolean exists(String name) {
    try {
      return entry(name).isFile();
    } catch (IOException e) {
      return false;
    }
  }

  @Override
  public InputStream open(String name) throws IOException {
    return tar.getInputStream(entry(name));
  }

  @Override
  public void close() throws IOException {
    tar.close();
  }
}

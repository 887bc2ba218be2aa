package dev.shrink.layer;

import dev.shrink.image.CountingDigestStream;
import dev.shrink.image.Descriptor;
import dev.shrink.image.ImageException;
import dev.shrink.progress.Phase;
import dev.shrink.progress.Phases;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;

/**
 * Writes a reproducible layer: entries sorted by path, parents before children, one fixed mtime,
 * the given owners and modes, links kept as links, long names and big ids through PAX headers,
 * no user or group names. The digest (compressed) and diffID (uncompressed) are computed while the
 * bytes stream out, so the same entries always give the same digest.
 */
public final class LayerWriter {
  private final Compression compression;
  private final int level;
  private final long mtimeSeconds;

  public LayerWriter(Compression compression, int level, long mtimeSeconds) {
    this.compression = compression;
    this.level = level;
    this.mtimeSeconds = mtimeSeconds;
  }

  /** mtime from {@code SOURCE_DATE_EPOCH}, or 0. */
  public static long sourceDateEpoch() {
    String value = System.getenv("SOURCE_DATE_EPOCH");
    if (value == null || value.isBlank()) {
      return 0;
    }
    try {
      return Long.parseLong(value.strip());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("SOURCE_DATE_EPOCH must be seconds since 1970, got '" + value + "'");
    }
  }

  /** A written layer blob. */
  public record Blob(Path file, Descriptor descriptor, String diffId, long uncompressedSize) {}

  public Blob write(List<LayerEntry> entries, Path file) throws IOException {
    Map<String, LayerEntry> byPath = withParents(entries);
    long fileBytes = 0;
    for (LayerEntry e : byPath.values()) {
      fileBytes += e.type() == LayerEntry.Type.FILE ? Files.size(e.source()) : 0;
    }
    CountingDigestStream compressed;
    CountingDigestStream plain;
    try (Phase phase = Phases.open("layer write", fileBytes); OutputStream raw = new BufferedOutputStream(NamedOutput.open(file), 1 << 16)) {
      compressed = new CountingDigestStream(raw);
      OutputStream z = compression.compress(compressed, level);
      plain = new CountingDigestStream(z);
      TarArchiveOutputStream tar = new TarArchiveOutputStream(plain);
      tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
      tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
      tar.setAddPaxHeadersForNonAsciiNames(true);
      for (LayerEntry e : byPath.values()) {
        phase.add(writeEntry(tar, e));
      }
      tar.finish();
      plain.flush();
      z.close();
      phase.done();
    }
    Descriptor d = new Descriptor(compression.ociMediaType(), compressed.digest(), compressed.count());
    return new Blob(file, d, plain.digest(), plain.count());
  }

  /** Sorted by path, with a 0755 root-owned directory entry for every parent not listed. */
  private static Map<String, LayerEntry> withParents(List<LayerEntry> entries) {
    Map<String, LayerEntry> byPath = new TreeMap<>(Comparator.naturalOrder());
    for (LayerEntry e : entries) {
      if (!e.path().startsWith("/") || e.path().equals("/") || e.path().contains("/../") || e.path().endsWith("/..")) {
        throw new IllegalArgumentException("layer entry path must be absolute and below /: " + e.path());
      }
      if (byPath.put(e.path(), e) != null) {
        throw new IllegalArgumentException("layer entry listed twice: " + e.path());
      }
    }
    List<LayerEntry> parents = new ArrayList<>();
    for (String path : byPath.keySet()) {
      for (int slash = path.lastIndexOf('/'); slash > 0; slash = path.lastIndexOf('/', slash - 1)) {
        String parent = path.substring(0, slash);
        LayerEntry listed = byPath.get(parent);
        if (listed != null && listed.type() != LayerEntry.Type.DIRECTORY) {
          throw new IllegalArgumentException(path + " is below " + parent + ", which is not a directory in this layer");
        }
        if (listed == null) {
          parents.add(LayerEntry.directory(parent, 0755, 0, 0));
        }
      }
    }
    parents.forEach(p -> byPath.putIfAbsent(p.path(), p));
    return byPath;
  }

  /** Writes one entry; returns the bytes of the file's content it wrote (0 for other entries). */
  private long writeEntry(TarArchiveOutputStream tar, LayerEntry e) throws IOException {
    String name = e.path().substring(1) + (e.type() == LayerEntry.Type.DIRECTORY ? "/" : "");
    byte type = switch (e.type()) {
      case DIRECTORY -> TarConstants.LF_DIR;
      case FILE -> TarConstants.LF_NORMAL;
      case SYMLINK -> TarConstants.LF_SYMLINK;
      case HARDLINK -> TarConstants.LF_LINK;
    };
    TarArchiveEntry t = new TarArchiveEntry(name, type);
    int kind = switch (e.type()) {
      case DIRECTORY -> 040000;
      case SYMLINK -> 0120000;
      default -> 0100000;
    };
    t.setMode(kind | (e.mode() & 07777));
    t.setIds(e.uid(), e.gid());
    t.setNames("", "");
    t.setModTime(mtimeSeconds * 1000);
    if (e.type() == LayerEntry.Type.SYMLINK) {
      t.setLinkName(e.linkTarget());
    } else if (e.type() == LayerEntry.Type.HARDLINK) {
      t.setLinkName(e.linkTarget().substring(1));
    }
    long size = 0;
    if (e.type() == LayerEntry.Type.FILE) {
      size = Files.size(e.source());
      t.setSize(size);
      tar.putArchiveEntry(t);
      try (InputStream in = Files.newInputStream(e.source())) {
        long copied = in.transferTo(tar);
        if (copied != size) {
          throw new ImageException(e.source() + " changed while it was written into a layer");
        }
      }
    } else {
      tar.putArchiveEntry(t);
    }
    tar.closeArchiveEntry();
    return size;
  }
}

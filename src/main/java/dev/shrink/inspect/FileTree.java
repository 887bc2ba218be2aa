package dev.shrink.inspect;

import dev.shrink.fs.RootFs;
import dev.shrink.image.BlobMismatchException;
import dev.shrink.image.Descriptor;
import dev.shrink.image.Image;
import dev.shrink.image.ImageException;
import dev.shrink.layer.LayerException;
import dev.shrink.layer.LayerReader;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.NavigableMap;
import java.util.TreeMap;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * The regular files of an image's final filesystem (layers applied in order, whiteouts honoured),
 * with their sizes and, when asked, the SHA-256 of their contents; and each layer's sizes.
 */
public record FileTree(NavigableMap<String, File> files, List<LayerSize> layers) {
  /** A regular file: its size, and its contents' SHA-256 (hex) or null when not hashed. */
  public record File(long size, String sha256) {}

  /** A layer: its descriptor, the size of its tar and the tar's entries. */
  public record LayerSize(Descriptor descriptor, long uncompressedSize, long entries) {}

  /** Reads every layer of {@code image} to its end (each blob is checked against its digest). */
  public static FileTree of(Image image, boolean hash) throws IOException {
    NavigableMap<String, File> files = new TreeMap<>();
    List<LayerSize> layers = new ArrayList<>();
    for (int i = 0; i < image.layers().size(); i++) {
      Descriptor layer = image.layers().get(i);
      String[] current = {null};
      long[] entries = {0};
      try {
        long size = LayerReader.read(image, i, in -> {
          TarArchiveInputStream tar = new TarArchiveInputStream(in);
          for (TarArchiveEntry e; (e = tar.getNextEntry()) != null; ) {
            current[0] = e.getName();
            entries[0]++;
            apply(files, e, hash ? tar : null);
          }
        });
        layers.add(new LayerSize(layer, size, entries[0]));
      } catch (ImageException | BlobMismatchException e) {
        throw e;
      } catch (IOException | RuntimeException e) {
        throw new LayerException(image.name(), layer.digest(), current[0], String.valueOf(e.getMessage()), e);
      }
    }
    return new FileTree(files, List.copyOf(layers));
  }

  public long fileBytes() {
    return files.values().stream().mapToLong(File::size).sum();
  }

  private static void apply(NavigableMap<String, File> files, TarArchiveEntry e, InputStream contents) throws IOException {
    String path = RootFs.normalize("/" + e.getName());
    int slash = path.lastIndexOf('/');
    String dir = path.substring(0, slash);
    String base = path.substring(slash + 1);
    if (base.equals(".wh..wh..opq")) {
      files.subMap(dir + "/", true, dir + "0", false).clear();
    } else if (base.startsWith(".wh.")) {
      String gone = dir + "/" + base.substring(4);
      files.remove(gone);
      files.subMap(gone + "/", true, gone + "0", false).clear();
    } else {
      if (!e.isDirectory()) {
        files.subMap(path + "/", true, path + "0", false).clear();
      }
      if (e.isFile() && !e.isLink()) {
        files.put(path, new File(e.getSize(), contents == null ? null : sha256(contents)));
      } else {
        files.remove(path);
      }
    }
  }

  private static String sha256(InputStream in) throws IOException {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      byte[] buf = new byte[1 << 16];
      for (int n; (n = in.read(buf)) > 0; ) {
        md.update(buf, 0, n);
      }
      return HexFormat.of().formatHex(md.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}

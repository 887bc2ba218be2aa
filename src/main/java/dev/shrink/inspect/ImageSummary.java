package dev.shrink.inspect;

import dev.shrink.image.Descriptor;
import dev.shrink.image.Image;
import dev.shrink.image.ImageConfig;
import dev.shrink.layer.Compression;
import dev.shrink.layer.LayerException;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * What {@code shrink inspect} shows: the config, each layer's compressed and uncompressed size,
 * and the files of the final filesystem (whiteouts applied) with the largest ones.
 */
public record ImageSummary(ImageConfig config, List<LayerSize> layers, long fileCount, long totalFileBytes, List<FileSize> largest) {
  public record LayerSize(Descriptor descriptor, long uncompressedSize, long entries) {}

  public record FileSize(String path, long size) {}

  public long compressedSize() {
    return layers.stream().mapToLong(l -> l.descriptor().size()).sum();
  }

  public long uncompressedSize() {
    return layers.stream().mapToLong(LayerSize::uncompressedSize).sum();
  }

  public static ImageSummary of(Image image, int top) throws IOException {
    Map<String, Long> files = new HashMap<>();
    List<LayerSize> layers = new ArrayList<>();
    for (Descriptor layer : image.layers()) {
      String current = null;
      long entries = 0;
      try (InputStream blob = image.open(layer);
          CountingInput counted = new CountingInput(Compression.uncompressed(blob));
          TarArchiveInputStream tar = new TarArchiveInputStream(counted)) {
        for (TarArchiveEntry e; (e = tar.getNextEntry()) != null; ) {
          current = e.getName();
          entries++;
          apply(files, e);
        }
        counted.transferTo(java.io.OutputStream.nullOutputStream());
        layers.add(new LayerSize(layer, counted.count, entries));
      } catch (IOException | RuntimeException e) {
        throw new LayerException(image.name(), layer.digest(), current, String.valueOf(e.getMessage()), e);
      }
    }
    List<FileSize> largest = files.entrySet().stream()
        .sorted(Map.Entry.<String, Long>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
        .limit(top).map(e -> new FileSize(e.getKey(), e.getValue())).toList();
    long total = files.values().stream().mapToLong(Long::longValue).sum();
    return new ImageSummary(image.config(), layers, files.size(), total, largest);
  }

  private static void apply(Map<String, Long> files, TarArchiveEntry e) {
    String path = "/" + dev.shrink.fs.RootFs.normalize(e.getName()).substring(1);
    int slash = path.lastIndexOf('/');
    String dir = path.substring(0, slash);
    String base = path.substring(slash + 1);
    if (base.equals(".wh..wh..opq")) {
      files.keySet().removeIf(p -> p.startsWith(dir + "/"));
    } else if (base.startsWith(".wh.")) {
      String gone = dir + "/" + base.substring(4);
      files.keySet().removeIf(p -> p.equals(gone) || p.startsWith(gone + "/"));
    } else if (e.isFile() && !e.isLink()) {
      files.put(path, e.getSize());
    } else {
      files.remove(path);
    }
  }

  private static final class CountingInput extends java.io.FilterInputStream {
    long count;

    CountingInput(InputStream in) {
      super(in);
    }

    @Override
    public int read() throws IOException {
      int b = super.read();
      if (b >= 0) {
        count++;
      }
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n = super.read(b, off, len);
      if (n > 0) {
        count += n;
      }
      return n;
    }
  }

}

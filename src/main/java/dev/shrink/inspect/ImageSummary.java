package dev.shrink.inspect;

import dev.shrink.image.Descriptor;
import dev.shrink.image.BlobMismatchException;
import dev.shrink.image.Image;
import dev.shrink.image.ImageException;
import dev.shrink.image.ImageConfig;
import dev.shrink.layer.LayerReader;
import dev.shrink.layer.LayerException;
import java.io.IOException;
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
            apply(files, e);
          }
        });
        layers.add(new LayerSize(layer, size, entries[0]));
      } catch (ImageException | BlobMismatchException e) {
        throw e;
      } catch (IOException | RuntimeException e) {
        throw new LayerException(image.name(), layer.digest(), current[0], String.valueOf(e.getMessage()), e);
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
}

package dev.shrink.layer;

import dev.shrink.image.CountingDigestStream;
import dev.shrink.image.Descriptor;
import dev.shrink.image.Image;
import dev.shrink.image.MediaTypes;
import dev.shrink.progress.Phase;
import dev.shrink.progress.Phases;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Compresses the uncompressed layers of an image, as registries and OCI layouts expect. */
public final class LayerCompression {
  private LayerCompression() {}

  /** Work done with an image. */
  @FunctionalInterface
  public interface Use {
    void accept(Image image) throws IOException;
  }

  /**
   * Runs {@code use} on the image with its uncompressed layers gzipped (temp files, removed after);
   * what registries and OCI layouts are given.
   */
  public static void withGzipLayers(Image image, Path tempDir, Use use) throws IOException {
    Image compressed = gzipUncompressed(image, tempDir);
    try {
      use.accept(compressed);
    } finally {
      if (compressed != image) {
        compressed.close();
      }
    }
  }

  /** The image itself when every layer is compressed already, else a copy with gzip layers in temp files. */
  static Image gzipUncompressed(Image image, Path tempDir) throws IOException {
    if (image.layers().stream().noneMatch(LayerCompression::plain)) {
      return image;
    }
    Path dir = TempFiles.createDirectory(tempDir, "gzip");
    Map<String, Path> files = new HashMap<>();
    List<Descriptor> layers = new ArrayList<>();
    long plainBytes = image.layers().stream().filter(LayerCompression::plain).mapToLong(Descriptor::size).sum();
    try (Phase phase = Phases.open("layer compression", plainBytes)) {
      for (Descriptor l : image.layers()) {
        if (!plain(l)) {
          layers.add(l);
          continue;
        }
        Path file = dir.resolve(layers.size() + ".tar.gz");
        CountingDigestStream counted;
        try (InputStream in = phase.counting(image.open(l));
            OutputStream raw = NamedOutput.open(file)) {
          counted = new CountingDigestStream(raw);
          try (OutputStream gz = Compression.GZIP.compress(counted, Compression.FAST_GZIP)) {
            in.transferTo(gz);
          }
        }
        String type = l.mediaType().equals(MediaTypes.DOCKER_LAYER) ? MediaTypes.DOCKER_LAYER_GZIP : MediaTypes.OCI_LAYER_GZIP;
        Descriptor d = new Descriptor(type, counted.digest(), counted.count(), l.annotations(), null);
        files.put(d.digest(), file);
        layers.add(d);
      }
      phase.done();
    } catch (IOException | RuntimeException e) {
      TempFiles.deleteTree(dir);
      throw e;
    }
    return image.withLayers(layers, blob -> {
      Path file = files.get(blob.digest());
      return file != null ? Files.newInputStream(file) : image.open(blob);
    }, () -> TempFiles.deleteTree(dir));
  }

  private static boolean plain(Descriptor layer) {
    return layer.mediaType().equals(MediaTypes.OCI_LAYER) || layer.mediaType().equals(MediaTypes.DOCKER_LAYER);
  }
}

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
    if (image.layers().stream().noneMatch(LayerCompression::plain)) {
      use.accept(image);
      return;
    }
    Path dir = TempFiles.createDirectory(tempDir, "gzip");
    try {
      try (Image compressed = gzipUncompressed(image, new Placement(() -> Files.createTempFile(dir, "layer", ".tar.gz"), (file, digest) -> file))) {
        use.accept(compressed);
      }
    } finally {
      TempFiles.deleteTree(dir);
    }
  }

  /**
   * Where compressed layers are written: a new file from {@code create}, handed to {@code done}
   * with its digest once written whole, which returns where it is then.
   */
  public record Placement(Create create, Done done) {
    /** Makes a file to write a layer into. */
    @FunctionalInterface
    public interface Create {
      Path file() throws IOException;
    }

    /** Takes a written layer file and its digest; returns its path from then on. */
    @FunctionalInterface
    public interface Done {
      Path place(Path file, String digest) throws IOException;
    }
  }

  /**
   * The image itself when every layer is compressed already, else the same image with its
   * uncompressed layers gzipped into files of {@code placement} (streamed: nothing else is written);
   * the new image reads them there and removes none.
   */
  public static Image gzipUncompressed(Image image, Placement placement) throws IOException {
    if (image.layers().stream().noneMatch(LayerCompression::plain)) {
      return image;
    }
    Map<String, Path> files = new HashMap<>();
    List<Descriptor> layers = new ArrayList<>();
    long plainBytes = image.layers().stream().filter(LayerCompression::plain).mapToLong(Descriptor::size).sum();
    try (Phase phase = Phases.open("layer compression", plainBytes)) {
      for (Descriptor l : image.layers()) {
        if (!plain(l)) {
          layers.add(l);
          continue;
        }
        Path file = placement.create().file();
        CountingDigestStream counted;
        try {
          try (InputStream in = phase.counting(image.open(l));
              OutputStream raw = NamedOutput.open(file)) {
            counted = new CountingDigestStream(raw);
            try (OutputStream gz = Compression.GZIP.compress(counted, Compression.FAST_GZIP)) {
              in.transferTo(gz);
            }
          }
        } catch (IOException | RuntimeException e) {
          Files.deleteIfExists(file);
          throw e;
        }
        String type = l.mediaType().equals(MediaTypes.DOCKER_LAYER) ? MediaTypes.DOCKER_LAYER_GZIP : MediaTypes.OCI_LAYER_GZIP;
        Descriptor d = new Descriptor(type, counted.digest(), counted.count(), l.annotations(), null);
        files.put(d.digest(), placement.done().place(file, d.digest()));
        layers.add(d);
      }
      phase.done();
    }
    return image.withLayers(layers, blob -> {
      Path file = files.get(blob.digest());
      return file != null ? Files.newInputStream(file) : image.open(blob);
    }, () -> {});
  }

  private static boolean plain(Descriptor layer) {
    return layer.mediaType().equals(MediaTypes.OCI_LAYER) || layer.mediaType().equals(MediaTypes.DOCKER_LAYER);
  }
}

package dev.shrink.transport.archive;

import dev.shrink.image.Descriptor;
import dev.shrink.image.Image;
import dev.shrink.image.ImageConfig;
import dev.shrink.image.ImageException;
import dev.shrink.image.Index;
import dev.shrink.layer.LayerCompression;
import dev.shrink.progress.Phase;
import dev.shrink.progress.Phases;
import dev.shrink.transport.Transport;
import dev.shrink.transport.TransportOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;

/** The file transports: {@code docker-archive:PATH[:NAME:TAG]}, {@code oci:DIR[:TAG]}, {@code oci-archive:PATH[:TAG]}. */
public final class ArchiveTransports {
  private ArchiveTransports() {}

  /** PATH and the optional reference after the first colon. */
  record Spec(Path path, String ref) {
    static Spec parse(String spec) {
      int colon = spec.indexOf(':');
      String path = colon < 0 ? spec : spec.substring(0, colon);
      String ref = colon < 0 || colon == spec.length() - 1 ? null : spec.substring(colon + 1);
      return new Spec(Path.of(path), ref);
    }
  }

  /** The phase of writing an image's blobs into a file transport; its total is the layers' bytes. */
  private static Phase writing(Image image) {
    return Phases.open("archive write", image.layers().stream().mapToLong(Descriptor::size).sum());
  }

  /** What a file transport writes into its tar: the image, read through the phase that counts its bytes. */
  @FunctionalInterface
  private interface TarBody {
    void write(TarTreeWriter out, Image viewed) throws IOException;
  }

  /** Writes a tar file whole or not at all (see {@link TarTreeWriter}), in the "archive write" phase. */
  private static void writeTar(Image image, Spec s, TransportOptions options, TarBody body) throws IOException {
    try (Phase phase = writing(image); TarTreeWriter out = new TarTreeWriter(s.path(), options.overwrite())) {
      body.write(out, image.viewed(phase::counting));
      out.commit();
      phase.done();
    }
  }

  private static Path existingFile(Path path, String name) {
    if (!Files.isRegularFile(path)) {
      throw new ImageException(name + ": " + (Files.exists(path, LinkOption.NOFOLLOW_LINKS) ? "not a file" : "no such file"));
    }
    return path;
  }

  public static final class DockerArchiveTransport implements Transport {
    @Override
    public String name() {
      return "docker-archive";
    }

    @Override
    public Image read(String spec, TransportOptions options) throws IOException {
      Spec s = Spec.parse(spec);
      String name = name() + ":" + spec;
      return DockerArchive.read(new TarTree(existingFile(s.path(), name)), s.ref(), name);
    }

    @Override
    public void write(Image image, String spec, TransportOptions options) throws IOException {
      Spec s = Spec.parse(spec);
      writeTar(image, s, options, (out, viewed) -> DockerArchive.write(out, viewed, options.format(), s.ref()));
    }
  }

  public static final class OciArchiveTransport implements Transport {
    @Override
    public String name() {
      return "oci-archive";
    }

    @Override
    public Image read(String spec, TransportOptions options) throws IOException {
      Spec s = Spec.parse(spec);
      String name = name() + ":" + spec;
      return OciLayout.read(new TarTree(existingFile(s.path(), name)), s.ref(), options.platform(), name);
    }

    @Override
    public void write(Image image, String spec, TransportOptions options) throws IOException {
      Spec s = Spec.parse(spec);
      LayerCompression.withGzipLayers(image, options.tempDir(), compressed ->
          writeTar(compressed, s, options, (out, viewed) -> OciLayout.write(out, viewed, options.format(), s.ref(), List.of())));
    }
  }

  public static final class OciDirTransport implements Transport {
    @Override
    public String name() {
      return "oci";
    }

    @Override
    public Image read(String spec, TransportOptions options) throws IOException {
      Spec s = Spec.parse(spec);
      String name = name() + ":" + spec;
      if (!Files.isDirectory(s.path())) {
        throw new ImageException(name + ": no such directory");
      }
      return OciLayout.read(new DirTree(s.path()), s.ref(), options.platform(), name);
    }

    /**
     * Adds the image to the layout (creating it when missing), its uncompressed layers gzipped
     * straight into the layout's blobs. Writers into one layout take turns ({@link LayoutLock});
     * one that made the directory removes it when it fails before any writer committed there.
     */
    @Override
    public void write(Image image, String spec, TransportOptions options) throws IOException {
      Spec s = Spec.parse(spec);
      String name = name() + ":" + spec;
      if (Files.exists(s.path(), LinkOption.NOFOLLOW_LINKS) && !isLayout(s.path())) {
        throw notALayout(name);
      }
      Path index = s.path().resolve("index.json");
      try (LayoutLock lock = LayoutLock.take(s.path(), name); DirTreeWriter out = new DirTreeWriter(s.path())) {
        if (!isLayout(s.path())) {
          throw notALayout(name);
        }
        removePartials(s.path());
        List<Descriptor> others = List.of();
        if (Files.exists(index)) {
          try (DirTree tree = new DirTree(s.path())) {
            others = Index.parse(tree.read("index.json", ImageConfig.MAX_BYTES, name + " index.json"), name + " index.json").manifests();
          }
        }
        Image compressed = LayerCompression.gzipUncompressed(image, out.blobs());
        try (Phase phase = writing(compressed)) {
          OciLayout.write(out, compressed.viewed(phase::counting), options.format(), s.ref(), others);
          out.commit();
          lock.commit();
          phase.done();
        } finally {
          if (compressed != image) {
            compressed.close();
          }
        }
      }
    }

    private static ImageException notALayout(String name) {
      return new ImageException(name + ": exists and is not an OCI layout; refusing to write into it");
    }

    /**
     * A layout, an empty directory, or one that holds nothing but what a write puts before
     * index.json (the lock, oci-layout, blobs): a write that was killed left it, and the next one
     * completes it.
     */
    private static boolean isLayout(Path dir) throws IOException {
      if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
        return false;
      }
      if (Files.exists(dir.resolve("index.json"))) {
        return true;
      }
      try (java.util.stream.Stream<Path> list = Files.list(dir)) {
        return list.allMatch(p -> List.of(LayoutLock.NAME, "oci-layout", "blobs").contains(p.getFileName().toString()));
      }
    }

    /** Blobs a killed write left half-written: with the lock held, no other write has any. */
    private static void removePartials(Path dir) throws IOException {
      Path blobs = dir.resolve("blobs");
      if (!Files.isDirectory(blobs, LinkOption.NOFOLLOW_LINKS)) {
        return;
      }
      try (java.util.stream.Stream<Path> walk = Files.walk(blobs)) {
        for (Path p : walk.filter(p -> p.getFileName().toString().startsWith(DirTreeWriter.PARTIAL)).toList()) {
          Files.deleteIfExists(p);
        }
      }
    }
  }
}

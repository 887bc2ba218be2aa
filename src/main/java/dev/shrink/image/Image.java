package dev.shrink.image;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * An image read from a transport, or built by shrink: a manifest, its config and a way to open
 * its blobs. Immutable; closing it releases what the source holds open (an archive, temp files).
 */
public final class Image implements AutoCloseable {
  /** Opens the bytes of a blob named by a descriptor of this image. */
  @FunctionalInterface
  public interface Blobs {
    InputStream open(Descriptor blob) throws IOException;
  }

  private final String name;
  private final Manifest manifest;
  private final byte[] rawManifest;
  private final byte[] config;
  private final Blobs blobs;
  private final List<AutoCloseable> resources;
  private final UnaryOperator<InputStream> view;

  private Image(String name, Manifest manifest, byte[] rawManifest, byte[] config, Blobs blobs, List<AutoCloseable> resources,
      UnaryOperator<InputStream> view) {
    this.name = name;
    this.manifest = manifest;
    this.rawManifest = rawManifest;
    this.config = config;
    this.blobs = blobs;
    this.resources = List.copyOf(resources);
    this.view = view;
  }

  /**
   * @param name how errors name this image, e.g. {@code docker-archive:/tmp/app.tar}
   * @param rawManifest the manifest exactly as the source stores it, or null when there is none
   * @param resource closed with the image, or null
   */
  public static Image of(String name, Manifest manifest, byte[] rawManifest, byte[] config, Blobs blobs, AutoCloseable resource) {
    String configDigest = Digest.of(config);
    if (!configDigest.equals(manifest.config().digest())) {
      throw new ImageException(name + ": config digest " + configDigest + " does not match the manifest's " + manifest.config().digest());
    }
    if (manifest.config().size() >= 0 && manifest.config().size() != config.length) {
      throw new ImageException(name + ": config " + configDigest + " has " + config.length + " bytes, not the "
          + manifest.config().size() + " the manifest names");
    }
    return new Image(name, manifest, rawManifest, config, blobs, resource == null ? List.of() : List.of(resource), UnaryOperator.identity());
  }

  /**
   * The same content under other layer blobs (for example compressed ones). The new image owns
   * only {@code resource}; this image must stay open while the new one is used.
   */
  public Image withLayers(List<Descriptor> layers, Blobs layerBlobs, AutoCloseable resource) {
    Manifest m = new Manifest(manifest.mediaType(), manifest.config(), layers, manifest.annotations());
    return new Image(name, m, null, config, layerBlobs, List.of(resource), UnaryOperator.identity());
  }

  /**
   * The same image with the checked bytes of every blob passed through {@code through} as they are
   * read (to count them). The new image owns nothing: this one must stay open while it is used.
   */
  public Image viewed(UnaryOperator<InputStream> through) {
    return new Image(name, manifest, rawManifest, config, blobs, List.of(), in -> through.apply(view.apply(in)));
  }

  public String name() {
    return name;
  }

  public Manifest manifest() {
    return manifest;
  }

  /** Manifest bytes in a format: the source's own bytes when it is already in that format. */
  public byte[] manifestBytes(ManifestFormat format) {
    if (rawManifest != null && manifest.format() == format) {
      return rawManifest.clone();
    }
    return manifest.convert(format).toJson();
  }

  public byte[] configBytes() {
    return config.clone();
  }

  public ImageConfig config() {
    return ImageConfig.parse(config, name + " config");
  }

  /**
   * The bytes of a blob, checked against its descriptor: reading past its size fails, and the
   * read that reaches its end fails unless size and digest match. A reader that stops early
   * has not checked the blob: read it to the end before using what was built from it.
   */
  public InputStream open(Descriptor blob) throws IOException {
    InputStream in = blobs.open(blob);
    return view.apply(in instanceof VerifyingInputStream v && v.checks(blob) ? in : new VerifyingInputStream(in, name, blob));
  }

  public List<Descriptor> layers() {
    return manifest.layers();
  }

  @Override
  public void close() throws IOException {
    IOException failure = null;
    for (AutoCloseable r : resources) {
      try {
        r.close();
      } catch (Exception e) {
        if (failure == null) {
          failure = new IOException("closing " + name, e);
        }
      }
    }
    if (failure != null) {
      throw failure;
    }
  }

  @Override
  public String toString() {
    return name;
  }
}

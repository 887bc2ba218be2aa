package dev.shrink.layer;

import dev.shrink.image.BlobMismatchException;
import dev.shrink.image.Descriptor;
import dev.shrink.image.Digest;
import dev.shrink.image.Image;
import dev.shrink.image.ImageException;
import dev.shrink.image.ObservedInputStream;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.MessageDigest;
import java.util.List;

/**
 * Reads an image's layers as uncompressed tars, and checks each to its last byte: a reader that
 * stops at the tar's end marker still gets the blob checked against its descriptor, the tar
 * against the config's diff_id, and no byte allowed after the compressed stream.
 */
public final class LayerReader {
  /** How many times its compressed size a layer may uncompress to, unless {@link #EXPANSION_ENV} says otherwise. */
  static final long DEFAULT_EXPANSION = 100;
  /** Any layer may uncompress to this much, whatever its compressed size. */
  static final long FLOOR = 128L << 20;
  static final String EXPANSION_ENV = "SHRINK_MAX_EXPANSION";

  private LayerReader() {}

  /** What is done with a layer's uncompressed tar; it may stop reading anywhere. */
  @FunctionalInterface
  public interface TarUse {
    void accept(InputStream tar) throws IOException;
  }

  /**
   * Gives the uncompressed tar of layer {@code index} to {@code use}, then reads the rest and checks
   * it; returns the tar's size. When {@code use} fails, a blob that does not match its descriptor
   * is the error reported (what broke is only a symptom then).
   */
  public static long read(Image image, int index, TarUse use) throws IOException {
    Descriptor layer = image.layers().get(index);
    List<String> diffIds = image.config().diffIds();
    if (diffIds.size() != image.layers().size()) {
      throw new ImageException(image.name() + ": the config lists " + diffIds.size() + " diff_ids for "
          + image.layers().size() + " layers");
    }
    try (InputStream blob = new BufferedInputStream(image.open(layer), 1 << 16);
        DigestingInput tar = new DigestingInput(Compression.uncompressed(blob), limit(image, layer))) {
      try {
        use.accept(tar);
        tar.transferTo(OutputStream.nullOutputStream());
        if (blob.read() >= 0) {
          throw new LayerException(image.name(), layer.digest(), null, "data after the end of the compressed stream", null);
        }
      } catch (IOException | RuntimeException e) {
        BlobMismatchException mismatch = mismatch(e, blob);
        if (mismatch != null) {
          throw mismatch;
        }
        throw e;
      }
      String actual = tar.digest();
      if (!actual.equals(diffIds.get(index))) {
        throw new ImageException(image.name() + ": layer " + layer.digest() + " uncompressed has digest " + actual
            + ", not the diff_id " + diffIds.get(index) + " the config names");
      }
      return tar.count;
    }
  }

  /**
   * The most a layer's tar may hold: {@value #DEFAULT_EXPANSION} times the compressed blob (Python
   * images measure 2-5 times), at least {@value #FLOOR} bytes; a gzip bomb (1 MB to 1 GiB) is
   * refused before it fills a disk. {@code SHRINK_MAX_EXPANSION=N} sets the ratio, 0 lifts the limit.
   */
  private static Limit limit(Image image, Descriptor layer) {
    String value = System.getenv(EXPANSION_ENV);
    long ratio;
    try {
      ratio = value == null || value.isBlank() ? DEFAULT_EXPANSION : Long.parseLong(value.strip());
    } catch (NumberFormatException e) {
      throw new ImageException(EXPANSION_ENV + "=" + value + " is not a number (a ratio; 0 for no limit)");
    }
    if (ratio < 0) {
      throw new ImageException(EXPANSION_ENV + "=" + value + " is negative (a ratio; 0 for no limit)");
    }
    long bytes = ratio == 0 || layer.size() > Long.MAX_VALUE / ratio ? Long.MAX_VALUE : Math.max(FLOOR, ratio * layer.size());
    return new Limit(bytes, image.name() + ", layer " + layer.digest() + ": uncompresses to more than " + bytes + " bytes ("
        + ratio + " times its compressed size, at least " + FLOOR + "): refused as a likely decompression bomb; if the image is trusted, set "
        + EXPANSION_ENV + " to a larger ratio (0: no limit)");
  }

  /** The bound on a layer's uncompressed bytes, and the error that says so. */
  private record Limit(long bytes, String message) {}

  /** The blob's own mismatch behind a failure, reading the rest of the blob to know; null when it matches. */
  private static BlobMismatchException mismatch(Exception e, InputStream blob) {
    BlobMismatchException mismatch = BlobMismatchException.in(e);
    if (mismatch != null) {
      return mismatch;
    }
    try {
      blob.transferTo(OutputStream.nullOutputStream());
    } catch (BlobMismatchException m) {
      m.addSuppressed(e);
      return m;
    } catch (IOException ignored) {
      // the first failure is the one to report
    }
    return null;
  }

  /** Counts and hashes what passes. */
  private static final class DigestingInput extends ObservedInputStream {
    private final MessageDigest md = Digest.sha256();
    private final Limit limit;
    long count;

    DigestingInput(InputStream in, Limit limit) {
      super(in);
      this.limit = limit;
    }

    @Override
    protected void observe(byte[] b, int off, int n) {
      md.update(b, off, n);
      count += n;
      if (count > limit.bytes()) {
        throw new ImageException(limit.message());
      }
    }

    @Override
    protected void atEnd() {}

    String digest() {
      return Digest.format(md.digest());
    }
  }
}

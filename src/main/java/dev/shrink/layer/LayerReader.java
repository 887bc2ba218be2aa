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
        DigestingInput tar = new DigestingInput(Compression.uncompressed(blob))) {
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
    long count;

    DigestingInput(InputStream in) {
      super(in);
    }

    @Override
    protected void observe(byte[] b, int off, int n) {
      md.update(b, off, n);
      count += n;
    }

    @Override
    protected void atEnd() {}

    String digest() {
      return Digest.format(md.digest());
    }
  }
}

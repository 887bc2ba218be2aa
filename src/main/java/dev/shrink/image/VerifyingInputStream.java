package dev.shrink.image;

import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;

/**
 * Passes a blob's bytes through and, at its end, checks them against the descriptor: the read
 * that reaches the end fails when the digest or size differ, so no consumer sees a wrong blob
 * end normally, and a read past the descriptor's size fails at once. Every blob
 * {@link Image#open} gives is one of these (a transport may extend it to act on a failure).
 */
public class VerifyingInputStream extends ObservedInputStream {
  private final String image;
  private final Descriptor blob;
  private final MessageDigest md = Digest.sha256();
  private long count;
  private boolean checked;
  private BlobMismatchException failure;

  public VerifyingInputStream(InputStream in, String image, Descriptor blob) {
    super(in);
    this.image = image;
    this.blob = blob;
  }

  /** True when this stream checks {@code d} already: wrapping it again would only hash twice. */
  boolean checks(Descriptor d) {
    return blob.equals(d);
  }

  @Override
  protected void observe(byte[] b, int off, int n) throws IOException {
    md.update(b, off, n);
    count += n;
    if (blob.size() >= 0 && count > blob.size()) {
      throw new BlobMismatchException(image + ": blob " + blob.digest() + " is longer than the " + blob.size()
          + " bytes its descriptor names");
    }
  }

  @Override
  protected void atEnd() throws IOException {
    if (!checked) {
      checked = true;
      String actual = Digest.format(md.digest());
      if (blob.size() >= 0 && count != blob.size()) {
        failure = new BlobMismatchException(image + ": blob " + blob.digest() + " has " + count + " bytes, not the "
            + blob.size() + " its descriptor names (its content is " + actual + ")");
      } else if (!actual.equals(blob.digest())) {
        failure = new BlobMismatchException(image + ": blob " + blob.digest()
            + " does not match its digest: its content is " + actual);
      }
    }
    if (failure != null) {
      throw failure;
    }
  }
}

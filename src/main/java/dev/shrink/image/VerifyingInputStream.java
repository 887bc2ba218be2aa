package dev.shrink.image;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;

/**
 * Passes a blob's bytes through and, at its end, checks them against the descriptor: the read
 * that reaches the end fails when the digest or size differ, so no consumer sees a wrong blob
 * end normally, and a read past the descriptor's size fails at once. Every blob
 * {@link Image#open} gives is one of these.
 */
public final class VerifyingInputStream extends FilterInputStream {
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

  @Override
  public int read() throws IOException {
    int b = in.read();
    if (b < 0) {
      check();
    } else {
      md.update((byte) b);
      count++;
      tooLong();
    }
    return b;
  }

  @Override
  public int read(byte[] buf, int off, int len) throws IOException {
    int n = in.read(buf, off, len);
    if (n < 0) {
      check();
    } else {
      md.update(buf, off, n);
      count += n;
      tooLong();
    }
    return n;
  }

  @Override
  public long skip(long n) throws IOException {
    byte[] buf = new byte[8192];
    long skipped = 0;
    while (skipped < n) {
      int r = read(buf, 0, (int) Math.min(buf.length, n - skipped));
      if (r < 0) {
        break;
      }
      skipped += r;
    }
    return skipped;
  }

  @Override
  public boolean markSupported() {
    return false;
  }

  @Override
  public synchronized void mark(int limit) {}

  @Override
  public synchronized void reset() throws IOException {
    throw new IOException("mark/reset not supported");
  }

  /** True when this stream checks {@code d} already: wrapping it again would only hash twice. */
  boolean checks(Descriptor d) {
    return blob.equals(d);
  }

  private void tooLong() throws IOException {
    if (blob.size() >= 0 && count > blob.size()) {
      throw new BlobMismatchException(image + ": blob " + blob.digest() + " is longer than the " + blob.size()
          + " bytes its descriptor names");
    }
  }

  private void check() throws IOException {
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

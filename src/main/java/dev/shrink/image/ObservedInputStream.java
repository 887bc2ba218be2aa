package dev.shrink.image;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Passes bytes through and shows each one to {@link #observe} (skipped ones too: a skip reads),
 * and the end to {@link #atEnd}. No mark/reset: what was observed cannot be taken back.
 */
public abstract class ObservedInputStream extends FilterInputStream {
  protected ObservedInputStream(InputStream in) {
    super(in);
  }

  /** Bytes that passed; may fail the read. */
  protected abstract void observe(byte[] b, int off, int n) throws IOException;

  /** The stream reached its end; may fail the read. */
  protected abstract void atEnd() throws IOException;

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    int n = in.read(b, off, len);
    if (n < 0) {
      atEnd();
    } else {
      observe(b, off, n);
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
}

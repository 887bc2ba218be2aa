package dev.shrink.image;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.security.MessageDigest;

/** Passes bytes through while counting them and computing their sha256. */
public final class CountingDigestStream extends FilterOutputStream {
  private final MessageDigest md = Digest.sha256();
  private long count;

  public CountingDigestStream(OutputStream out) {
    super(out);
  }

  @Override
  public void write(int b) throws IOException {
    out.write(b);
    md.update((byte) b);
    count++;
  }

  @Override
  public void write(byte[] b, int off, int len) throws IOException {
    out.write(b, off, len);
    md.update(b, off, len);
    count += len;
  }

  public long count() {
    return count;
  }

  /** The digest of everything written; call once, after the last write. */
  public String digest() {
    return Digest.format(md.digest());
  }
}

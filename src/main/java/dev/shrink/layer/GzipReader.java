package dev.shrink.layer;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.zip.CRC32;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;
import java.util.zip.ZipException;

/**
 * A gzip stream read strictly, as Go's gzip reader (and so Docker, containerd and umoci) reads
 * it: every member's CRC-32 and length are checked, members may follow each other, and anything
 * else after a member is an error. {@link java.util.zip.GZIPInputStream} instead ends quietly at
 * bytes that are not a gzip header, so trailing garbage would pass unseen.
 */
final class GzipReader extends InputStream {
  private static final int FHCRC = 2;
  private static final int FEXTRA = 4;
  private static final int FNAME = 8;
  private static final int FCOMMENT = 16;
  private static final int RESERVED = 0xe0;

  private final InputStream in;
  private final Inflater inflater = new Inflater(true);
  private final CRC32 crc = new CRC32();
  private final byte[] buf = new byte[1 << 16];
  private final byte[] one = new byte[1];
  private int pos;
  private int lim;
  private long memberSize;
  private boolean eof;

  GzipReader(InputStream in) throws IOException {
    this.in = in;
    header(byteOrEof());
  }

  @Override
  public int read() throws IOException {
    return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    if (len == 0) {
      return 0;
    }
    while (!eof) {
      if (inflater.needsInput()) {
        if (!fill()) {
          throw new EOFException("gzip stream ends inside compressed data");
        }
        inflater.setInput(buf, pos, lim - pos);
      }
      int n;
      try {
        n = inflater.inflate(b, off, len);
      } catch (DataFormatException e) {
        throw new ZipException("invalid gzip data: " + e.getMessage());
      }
      if (n > 0) {
        crc.update(b, off, n);
        memberSize += n;
        return n;
      }
      if (inflater.finished()) {
        pos = lim - inflater.getRemaining();
        trailer();
        int next = byteOrEof();
        if (next < 0) {
          eof = true;
        } else {
          header(next);
        }
      } else if (inflater.needsDictionary()) {
        throw new ZipException("invalid gzip data: a preset dictionary is asked for");
      }
    }
    return -1;
  }

  /** Reads a member header whose first byte is {@code first}; anything but a gzip header is refused. */
  private void header(int first) throws IOException {
    if (first != 0x1f || nextByte() != 0x8b) {
      throw new ZipException("trailing data after the gzip stream (not a gzip header)");
    }
    if (nextByte() != 8) {
      throw new ZipException("gzip member with an unknown compression method");
    }
    int flags = nextByte();
    if ((flags & RESERVED) != 0) {
      throw new ZipException("gzip header with reserved flags set");
    }
    skip(6);
    if ((flags & FEXTRA) != 0) {
      skip(nextByte() | nextByte() << 8);
    }
    if ((flags & FNAME) != 0) {
      while (nextByte() != 0) {
        // a name, not used
      }
    }
    if ((flags & FCOMMENT) != 0) {
      while (nextByte() != 0) {
        // a comment, not used
      }
    }
    if ((flags & FHCRC) != 0) {
      skip(2);
    }
    inflater.reset();
    crc.reset();
    memberSize = 0;
    if (pos < lim) {
      inflater.setInput(buf, pos, lim - pos);
    }
  }

  private void trailer() throws IOException {
    long expectedCrc = int32();
    long expectedSize = int32();
    if (expectedCrc != crc.getValue()) {
      throw new ZipException(String.format("gzip CRC-32 mismatch: the data has %08x, the trailer says %08x", crc.getValue(), expectedCrc));
    }
    if (expectedSize != (memberSize & 0xffffffffL)) {
      throw new ZipException("gzip length mismatch: the data has " + memberSize + " bytes, the trailer says " + expectedSize + " (mod 2^32)");
    }
  }

  private long int32() throws IOException {
    return nextByte() | nextByte() << 8 | nextByte() << 16 | (long) nextByte() << 24;
  }

  private void skip(int n) throws IOException {
    for (int i = 0; i < n; i++) {
      nextByte();
    }
  }

  private int nextByte() throws IOException {
    int b = byteOrEof();
    if (b < 0) {
      throw new EOFException("gzip stream ends inside a header or trailer");
    }
    return b;
  }

  private int byteOrEof() throws IOException {
    if (pos == lim && !fill()) {
      return -1;
    }
    return buf[pos++] & 0xff;
  }

  private boolean fill() throws IOException {
    int n = in.read(buf, 0, buf.length);
    if (n < 0) {
      return false;
    }
    pos = 0;
    lim = n;
    return true;
  }

  @Override
  public void close() throws IOException {
    inflater.end();
    in.close();
  }
}

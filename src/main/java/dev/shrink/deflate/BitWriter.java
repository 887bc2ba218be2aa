package dev.shrink.deflate;

import java.util.Arrays;

/** Writes bit fields least significant bit first, as DEFLATE packs them, into a growing array. */
final class BitWriter {
  private byte[] out;
  private int size;
  private long bits;
  private int count;

  BitWriter(int capacity) {
    out = new byte[Math.max(16, capacity)];
  }

  /** Appends the low {@code n} bits of {@code value} (n at most 32). */
  void write(int value, int n) {
    bits |= (value & 0xffffffffL) << count;
    count += n;
    if (count >= 32) {
      ensure(4);
      out[size] = (byte) bits;
      out[size + 1] = (byte) (bits >>> 8);
      out[size + 2] = (byte) (bits >>> 16);
      out[size + 3] = (byte) (bits >>> 24);
      size += 4;
      bits >>>= 32;
      count -= 32;
    }
  }

  /** Number of bits written so far. */
  long bitLength() {
    return 8L * size + count;
  }

  /** Pads with zero bits to the next byte boundary. */
  void alignToByte() {
    write(0, (8 - (count & 7)) & 7);
    flushWholeBytes();
  }

  /** Appends bytes; the writer must be byte-aligned. */
  void writeBytes(byte[] src, int off, int len) {
    if ((count & 7) != 0) {
      throw new IllegalStateException("not byte-aligned");
    }
    flushWholeBytes();
    ensure(len);
    System.arraycopy(src, off, out, size, len);
    size += len;
  }

  /** The bytes written; the writer must be byte-aligned. */
  byte[] toByteArray() {
    if ((count & 7) != 0) {
      throw new IllegalStateException("not byte-aligned");
    }
    flushWholeBytes();
    return Arrays.copyOf(out, size);
  }

  private void flushWholeBytes() {
    ensure(8);
    while (count >= 8) {
      out[size++] = (byte) bits;
      bits >>>= 8;
      count -= 8;
    }
  }

  private void ensure(int more) {
    if (size + more > out.length) {
      out = Arrays.copyOf(out, Math.max(size + more, out.length * 2));
    }
  }
}

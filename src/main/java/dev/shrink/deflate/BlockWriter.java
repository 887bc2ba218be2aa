package dev.shrink.deflate;

import java.util.Arrays;

/**
 * Writes one block of literals and matches in whichever of the three block types is smallest:
 * dynamic Huffman codes (with their run-length coded header), the fixed codes, or stored bytes.
 */
final class BlockWriter {
  private static final int[] FIXED_LITLEN_LENS = Format.fixedLitlenLengths();
  private static final int[] FIXED_DIST_LENS = Format.fixedDistLengths();
  private static final int[] FIXED_LITLEN_CODES = Huffman.reversedCodes(FIXED_LITLEN_LENS, 288);
  private static final int[] FIXED_DIST_CODES = Huffman.reversedCodes(FIXED_DIST_LENS, Format.DIST_SYMBOLS);
  private static final int MAX_STORED = 65535;

  private final int[] litlenLens = new int[Format.LITLEN_SYMBOLS];
  private final int[] distLens = new int[Format.DIST_SYMBOLS];
  /** Litlen then distance code lengths, as the header sends them. */
  private final int[] sentLengths = new int[Format.HISTOGRAM];
  /** The header's code lengths, run-length coded: symbol 0..18 in the low 5 bits, repeat count above. */
  private final int[] runs = new int[Format.HISTOGRAM];
  private int runCount;
  private int hlit;
  private int hdist;
  private int hclen;
  private final int[] clFreq = new int[Format.CODE_LENGTH_SYMBOLS];
  private final int[] clLens = new int[Format.CODE_LENGTH_SYMBOLS];
  /** Bytes of blocks to be stored that are not written yet: {@code buf[pendingStart ..][0 .. pendingLength)}. */
  private int pendingStart;
  private int pendingLength;

  /** Size in bits of a dynamic block for this histogram (end-of-block included), header included. */
  long dynamicBits(int[] histogram) {
    return 3 + buildDynamic(histogram) + symbolBits(histogram, litlenLens, distLens);
  }

  /**
   * Writes a block of {@code count} items (packed as in {@link Parser#items}) covering
   * {@code buf[start .. start + rawLength)}, whose histogram is {@code histogram}. Blocks best
   * stored are held back and joined with the next ones, so that a run of them shares headers; call
   * {@link #flushStored} after the last block of a piece.
   */
  void write(BitWriter out, byte[] buf, int start, int rawLength, int[] items, int count, int[] histogram, boolean last) {
    long dynamic = dynamicBits(histogram);
    long fixed = 3 + symbolBits(histogram, FIXED_LITLEN_LENS, FIXED_DIST_LENS);
    long position = out.bitLength();
    long stored = pendingLength == 0
        ? storedBits(position, rawLength)
        : storedBits(position, pendingLength + rawLength) - storedBits(position, pendingLength);
    if (stored < dynamic && stored < fixed) {
      if (pendingLength == 0) {
        pendingStart = start;
      }
      pendingLength += rawLength;
      if (last) {
        flushStored(out, buf, true);
      }
      return;
    }
    flushStored(out, buf, false);
    if (fixed <= dynamic) {
      out.write(last ? 1 : 0, 1);
      out.write(1, 2);
      writeItems(out, items, count, FIXED_LITLEN_LENS, FIXED_LITLEN_CODES, FIXED_DIST_LENS, FIXED_DIST_CODES);
    } else {
      writeDynamic(out, items, count, histogram, last);
    }
  }

  /** Writes the stored bytes held back, if any. */
  void flushStored(BitWriter out, byte[] buf, boolean last) {
    if (pendingLength > 0) {
      writeStored(out, buf, pendingStart, pendingLength, last);
      pendingLength = 0;
    }
  }

  /** Writes a block with dynamic Huffman codes built for {@code histogram}, whatever its size. */
  void writeDynamic(BitWriter out, int[] items, int count, int[] histogram, boolean last) {
    buildDynamic(histogram);
    out.write(last ? 1 : 0, 1);
    out.write(2, 2);
    writeDynamicHeader(out);
    writeItems(out, items, count, litlenLens, Huffman.reversedCodes(litlenLens, Format.LITLEN_SYMBOLS),
        distLens, Huffman.reversedCodes(distLens, Format.DIST_SYMBOLS));
  }

  /** Writes {@code buf[start .. start + length)} as stored blocks (one empty block if length is 0). */
  static void writeStored(BitWriter out, byte[] buf, int start, int length, boolean last) {
    int pos = start;
    int remaining = length;
    do {
      int len = Math.min(remaining, MAX_STORED);
      remaining -= len;
      out.write(last && remaining == 0 ? 1 : 0, 1);
      out.write(0, 2);
      out.alignToByte();
      out.write(len | (~len & 0xffff) << 16, 32);
      out.writeBytes(buf, pos, len);
      pos += len;
    } while (remaining > 0);
  }

  private static long storedBits(long bitPosition, int length) {
    long pos = bitPosition;
    int remaining = length;
    do {
      int len = Math.min(remaining, MAX_STORED);
      remaining -= len;
      pos = (pos + 3 + 7) & ~7L;
      pos += 32 + 8L * len;
    } while (remaining > 0);
    return pos - bitPosition;
  }

  private static long symbolBits(int[] histogram, int[] litlenLens, int[] distLens) {
    long bits = 0;
    for (int s = 0; s < Format.LITLEN_SYMBOLS; s++) {
      bits += (long) histogram[s] * litlenLens[s];
    }
    for (int c = 0; c < 29; c++) {
      bits += (long) histogram[257 + c] * Format.LENGTH_EXTRA[Format.LENGTH_BASE[c]];
    }
    for (int d = 0; d < Format.DIST_SYMBOLS; d++) {
      bits += (long) histogram[Format.LITLEN_SYMBOLS + d] * (distLens[d] + Format.DIST_EXTRA[d]);
    }
    return bits;
  }

  /** Builds the dynamic codes and their header for a histogram; returns the header's size in bits (after BFINAL and BTYPE). */
  private long buildDynamic(int[] histogram) {
    Huffman.codeLengths(histogram, 0, Format.LITLEN_SYMBOLS, Format.MAX_CODE_BITS, litlenLens);
    Huffman.codeLengths(histogram, Format.LITLEN_SYMBOLS, Format.DIST_SYMBOLS, Format.MAX_CODE_BITS, distLens);
    hlit = Format.LITLEN_SYMBOLS;
    while (litlenLens[hlit - 1] == 0) {
      hlit--;
    }
    hdist = Format.DIST_SYMBOLS;
    while (distLens[hdist - 1] == 0) {
      hdist--;
    }
    System.arraycopy(litlenLens, 0, sentLengths, 0, hlit);
    System.arraycopy(distLens, 0, sentLengths, hlit, hdist);
    runLengths(hlit + hdist);
    Arrays.fill(clFreq, 0);
    for (int i = 0; i < runCount; i++) {
      clFreq[runs[i] & 31]++;
    }
    Huffman.codeLengths(clFreq, 0, Format.CODE_LENGTH_SYMBOLS, Format.MAX_CODE_LENGTH_BITS, clLens);
    hclen = Format.CODE_LENGTH_SYMBOLS;
    while (hclen > 4 && clLens[Format.CODE_LENGTH_ORDER[hclen - 1]] == 0) {
      hclen--;
    }
    long bits = 5 + 5 + 4 + 3L * hclen;
    for (int s = 0; s < Format.CODE_LENGTH_SYMBOLS; s++) {
      bits += (long) clFreq[s] * (clLens[s] + (s == 16 ? 2 : s == 17 ? 3 : s == 18 ? 7 : 0));
    }
    return bits;
  }

  /** Run-length codes {@code sentLengths[0..n)} with symbols 16 (repeat previous 3-6), 17 (3-10 zeros), 18 (11-138 zeros). */
  private void runLengths(int n) {
    runCount = 0;
    int i = 0;
    while (i < n) {
      int v = sentLengths[i];
      int run = 1;
      while (i + run < n && sentLengths[i + run] == v) {
        run++;
      }
      i += run;
      if (v == 0) {
        for (; run >= 11; ) {
          int r = Math.min(run, 138);
          runs[runCount++] = 18 | r << 5;
          run -= r;
        }
        if (run >= 3) {
          runs[runCount++] = 17 | run << 5;
          run = 0;
        }
      } else {
        runs[runCount++] = v;
        run--;
        for (; run >= 3; ) {
          int r = Math.min(run, 6);
          runs[runCount++] = 16 | r << 5;
          run -= r;
        }
      }
      for (; run > 0; run--) {
        runs[runCount++] = v;
      }
    }
  }

  private void writeDynamicHeader(BitWriter out) {
    out.write(hlit - 257, 5);
    out.write(hdist - 1, 5);
    out.write(hclen - 4, 4);
    for (int i = 0; i < hclen; i++) {
      out.write(clLens[Format.CODE_LENGTH_ORDER[i]], 3);
    }
    int[] clCodes = Huffman.reversedCodes(clLens, Format.CODE_LENGTH_SYMBOLS);
    for (int i = 0; i < runCount; i++) {
      int sym = runs[i] & 31;
      int count = runs[i] >>> 5;
      out.write(clCodes[sym], clLens[sym]);
      if (sym == 16) {
        out.write(count - 3, 2);
      } else if (sym == 17) {
        out.write(count - 3, 3);
      } else if (sym == 18) {
        out.write(count - 11, 7);
      }
    }
  }

  private static void writeItems(BitWriter out, int[] items, int count,
      int[] litlenLens, int[] litlenCodes, int[] distLens, int[] distCodes) {
    for (int i = 0; i < count; i++) {
      int item = items[i];
      int len = item & Matches.LENGTH_MASK;
      int value = item >>> Matches.LENGTH_BITS;
      if (len == 1) {
        out.write(litlenCodes[value], litlenLens[value]);
      } else {
        int sym = Format.LENGTH_SYMBOL[len];
        out.write(litlenCodes[sym], litlenLens[sym]);
        int extra = Format.LENGTH_EXTRA[len];
        if (extra > 0) {
          out.write(len - Format.LENGTH_BASE[sym - 257], extra);
        }
        int ds = Format.distSymbol(value);
        out.write(distCodes[ds], distLens[ds]);
        int dextra = Format.DIST_EXTRA[ds];
        if (dextra > 0) {
          out.write(value - Format.DIST_BASE[ds], dextra);
        }
      }
    }
    out.write(litlenCodes[Format.END_OF_BLOCK], litlenLens[Format.END_OF_BLOCK]);
  }
}

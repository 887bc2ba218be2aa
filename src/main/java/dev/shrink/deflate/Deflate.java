package dev.shrink.deflate;

import java.util.Objects;

/**
 * A near-optimal raw DEFLATE (RFC 1951) encoder, in the manner of libdeflate's levels 10 to 12.
 *
 * <p>The input is processed in segments of 1 MiB. For each segment a binary-tree match finder
 * records the matches at every position; the segment is cut into blocks where its statistics
 * change; each block is then parsed as a shortest path whose costs come from the Huffman codes of
 * the previous pass, and written as a dynamic, fixed or stored block, whichever is smallest.
 *
 * <p>Efforts:
 *
 * <ul>
 *   <li>{@code 1}: shallow match search (24 nodes, nice length 64), two parsing passes.
 *   <li>{@code 2} (default): 64 nodes, nice length 128, three passes.
 *   <li>{@code 3}: 256 nodes, nice length 258, six passes.
 * </ul>
 *
 * <p>The output depends only on the input, the history and the effort. An instance keeps its
 * working memory (some tens of MiB at most) between calls; it is not thread-safe, so use one per
 * thread.
 */
public final class Deflate {
  /** How a compressed piece ends. */
  public enum Finish {
    /** The last block has BFINAL set: the piece ends the DEFLATE stream. */
    FINAL_BLOCK,
    /**
     * No block is final and the output ends on a byte boundary (with an empty stored block when
     * needed), so that another piece compressed independently can follow it in the same stream.
     */
    SYNC_FLUSH
  }

  public static final int MIN_EFFORT = 1;
  public static final int DEFAULT_EFFORT = 2;
  public static final int MAX_EFFORT = 3;

  static final int SEGMENT = 1 << 20;

  private final int passes;
  private final MatchFinder finder;
  private final Matches matches = new Matches();
  private final BlockSplitter splitter;
  private final BlockWriter writer = new BlockWriter();
  private final Parser parser = new Parser(writer);
  private final int[] initial = new int[Format.HISTOGRAM];

  /** An encoder at {@link #DEFAULT_EFFORT}. */
  public Deflate() {
    this(DEFAULT_EFFORT);
  }

  /** An encoder at an effort from {@link #MIN_EFFORT} to {@link #MAX_EFFORT}. */
  public Deflate(int effort) {
    checkEffort(effort);
    switch (effort) {
      case 1 -> {
        finder = new MatchFinder(24, 64);
        passes = 2;
      }
      case 2 -> {
        finder = new MatchFinder(64, 128);
        passes = 3;
      }
      case 3 -> {
        finder = new MatchFinder(256, Format.MAX_MATCH);
        passes = 6;
      }
      default -> throw new AssertionError(effort);
    }
    splitter = new BlockSplitter(4096, 64);
  }

  static void checkEffort(int effort) {
    if (effort < MIN_EFFORT || effort > MAX_EFFORT) {
      throw new IllegalArgumentException("effort must be " + MIN_EFFORT + ".." + MAX_EFFORT + ": " + effort);
    }
  }

  /** Compresses a whole array into a raw DEFLATE stream that ends with a final block, at the default effort. */
  public static byte[] deflate(byte[] data) {
    return new Deflate().compress(data, 0, data.length, 0, Finish.FINAL_BLOCK);
  }

  /**
   * Compresses {@code buf[off .. off + len)} into raw DEFLATE blocks.
   *
   * @param historyLength how many bytes before {@code off} matches may refer to (a preset
   *     dictionary; only the last 32 KiB count); they are not part of the output
   * @param finish whether the output ends the stream or ends byte-aligned for a next piece
   * @return the compressed bytes
   */
  public byte[] compress(byte[] buf, int off, int len, int historyLength, Finish finish) {
    Objects.checkFromIndexSize(off, len, buf.length);
    if (historyLength < 0 || historyLength > off) {
      throw new IndexOutOfBoundsException("history of " + historyLength + " bytes before offset " + off);
    }
    Objects.requireNonNull(finish, "finish");
    boolean last = finish == Finish.FINAL_BLOCK;
    BitWriter out = new BitWriter(len / 3 + 64);
    int end = off + len;
    finder.reset(buf, end);
    for (int p = off - Math.min(historyLength, Format.WINDOW); p < off; p++) {
      finder.insert(p);
    }
    if (len == 0 && last) {
      // an empty final block with the fixed codes: BFINAL, BTYPE 01, end-of-block (seven zero bits)
      out.write(0b011, 10);
    }
    for (int from = off; from < end; from += SEGMENT) {
      int to = Math.min(end, from + SEGMENT);
      encodeSegment(out, buf, from, to, last && to == end);
    }
    writer.flushStored(out, buf, false);
    if (!last && out.bitLength() % 8 != 0) {
      BlockWriter.writeStored(out, buf, end, 0, false);
    }
    out.alignToByte();
    return out.toByteArray();
  }

  private void encodeSegment(BitWriter out, byte[] buf, int from, int to, boolean last) {
    finder.collect(from, to, matches);
    splitter.split(buf, from, matches, to - from);
    int[] bounds = splitter.bounds;
    for (int b = 0; b < splitter.blockCount; b++) {
      int a = bounds[b];
      int z = bounds[b + 1];
      parser.parse(buf, from, matches, a, z, splitter.histogram(b, initial), passes);
      writer.write(out, buf, from + a, z - a, parser.items, parser.itemCount, parser.histogram,
          last && b == splitter.blockCount - 1);
    }
  }
}

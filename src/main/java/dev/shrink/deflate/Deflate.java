package dev.shrink.deflate;

import java.util.Objects;

/**
 * A near-optimal raw DEFLATE (RFC 1951) encoder, in the manner of libdeflate's levels 10 to 12.
 *
 * <p>The input is processed in segments of 1 MiB. For each segment a binary-tree match finder
 * records the matches at every position. A first parse of the segment (greedy, or a shortest path
 * under the greedy parse's costs) gives symbol statistics from which the segment is cut into
 * blocks of similar data. Each block is then parsed as a shortest path whose costs come from the
 * Huffman codes of the previous pass, and written as a dynamic, fixed or stored block, whichever is
 * smallest.
 *
 * <p>Efforts (sizes and speeds measured on a 19.6 MB container layer are in bench/README.md):
 *
 * <ul>
 *   <li>{@code 1}: match search visits up to 24 tree nodes, stops at length 64; block split from
 *       a greedy parse at 4 KiB granularity (refined to 512 bytes); up to two passes per block.
 *   <li>{@code 2} (default): 64 nodes, length 128; block split from one whole-segment
 *       shortest-path pass; up to three passes per block.
 *   <li>{@code 3}: 256 nodes, length 258; split as effort 2 but at 2 KiB granularity (refined to
 *       256 bytes); up to eight passes per block.
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

  private final Settings settings;
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
    this(Settings.of(effort));
  }

  Deflate(Settings settings) {
    this.settings = settings;
    finder = new MatchFinder(settings.maxDepth, settings.niceLength);
    splitter = new BlockSplitter(settings.splitStep, settings.maxBlockSteps);
  }

  /**
   * What an effort does.
   *
   * @param maxDepth tree nodes visited per match search
   * @param niceLength match length that ends a search and skips the positions it covers
   * @param prepasses parsing passes over a whole segment (from the costs of a greedy parse)
   *     before it is split into blocks; without, the greedy parse decides the split
   * @param passes parsing passes per block, at most
   * @param splitStep distance between candidate block boundaries
   * @param maxBlockSteps longest block, in steps
   */
  record Settings(int maxDepth, int niceLength, int prepasses, int passes, int splitStep, int maxBlockSteps) {
    static Settings of(int effort) {
      checkEffort(effort);
      return switch (effort) {
        case 1 -> new Settings(24, 64, 0, 2, 4096, 64);
        case 2 -> new Settings(64, 128, 1, 3, 4096, 64);
        default -> new Settings(256, Format.MAX_MATCH, 1, 8, 2048, 128);
      };
    }
  }

  static void checkEffort(int effort) {
    if (effort < MIN_EFFORT || effort > MAX_EFFORT) {
      throw new IllegalArgumentException("effort must be " + MIN_EFFORT + ".." + MAX_EFFORT + ": " + effort);
    }
  }

  /**
   * Compresses a whole array into a raw DEFLATE stream that ends with a final block, at the default
   * effort. For many arrays, reuse one instance and {@link #compress(byte[])} instead.
   */
  public static byte[] deflate(byte[] data) {
    return new Deflate().compress(data);
  }

  /** Compresses a whole array into a raw DEFLATE stream that ends with a final block (a zip entry's data). */
  public byte[] compress(byte[] data) {
    return compress(data, 0, data.length, 0, Finish.FINAL_BLOCK);
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
    int n = to - from;
    finder.collect(from, to, matches);
    parser.greedy(buf, from, matches, 0, n);
    if (settings.prepasses > 0) {
      parser.parse(buf, from, matches, 0, n, parser.histogram, settings.prepasses);
    }
    splitter.split(parser.items, parser.itemCount, n);
    int[] bounds = splitter.bounds;
    for (int b = 0; b < splitter.blockCount; b++) {
      int a = bounds[b];
      int z = bounds[b + 1];
      parser.parse(buf, from, matches, a, z, splitter.histogram(b, initial), settings.passes);
      writer.write(out, buf, from + a, z - a, parser.items, parser.itemCount, parser.histogram,
          last && b == splitter.blockCount - 1);
    }
  }
}

package dev.shrink.deflate;

import java.util.Arrays;

/**
 * Near-optimal parsing of one block: the cheapest sequence of literals and matches under a
 * {@link CostModel}, found as a shortest path from the block's end backwards. At each position
 * every length from 3 up to each found match is tried, with the nearest match that reaches it.
 * Passes repeat with the costs of the previous pass's Huffman codes; the sequence that encodes
 * smallest is kept.
 */
final class Parser {
  private final CostModel costs = new CostModel();
  private final BlockWriter sizer;
  private int[] cost = new int[0];
  private int[] choice = new int[0];
  private int[] trial = new int[0];
  private final int[] trialHistogram = new int[Format.HISTOGRAM];

  /** The chosen sequence: literal or match items, packed as in {@link Matches} (literal: length 1, the byte as distance). */
  int[] items = new int[0];
  int itemCount;
  /** Histogram of {@link #items}, end-of-block included. */
  final int[] histogram = new int[Format.HISTOGRAM];

  Parser(BlockWriter sizer) {
    this.sizer = sizer;
  }

  /**
   * Parses {@code buf[base + a .. base + b)}, whose matches are in {@code matches} (indexed from
   * {@code base}), starting from the costs of {@code initial}, in up to {@code passes} passes.
   * Leaves the result in {@link #items}, {@link #itemCount} and {@link #histogram}.
   */
  void parse(byte[] buf, int base, Matches matches, int a, int b, int[] initial, int passes) {
    int n = b - a;
    if (cost.length < n + 1) {
      cost = new int[n + 1];
      choice = new int[n + 1];
      trial = new int[n];
      items = new int[n];
    }
    costs.update(initial);
    long bestBits = Long.MAX_VALUE;
    for (int pass = 0; pass < passes; pass++) {
      shortestPath(buf, base, matches, a, b);
      int count = trace(buf, base, a, b);
      long bits = sizer.dynamicBits(trialHistogram);
      if (bits >= bestBits) {
        break;
      }
      bestBits = bits;
      int[] t = items;
      items = trial;
      trial = t;
      itemCount = count;
      System.arraycopy(trialHistogram, 0, histogram, 0, Format.HISTOGRAM);
      if (pass + 1 < passes) {
        costs.update(histogram);
      }
    }
  }

  private void shortestPath(byte[] buf, int base, Matches matches, int a, int b) {
    int[] start = matches.start;
    int[] data = matches.data;
    int[] lit = costs.literal;
    int[] lenCost = costs.length;
    int[] distCost = costs.distance;
    cost[b - a] = 0;
    for (int i = b - 1; i >= a; i--) {
      int at = i - a;
      int best = lit[buf[base + i] & 0xff] + cost[at + 1];
      int bestChoice = 1;
      int maxLen = b - i;
      int len = Format.MIN_MATCH;
      for (int k = start[i], e = start[i + 1]; k < e && len <= maxLen; k++) {
        int m = data[k];
        int mlen = Math.min(m & Matches.LENGTH_MASK, maxLen);
        int dist = m >>> Matches.LENGTH_BITS;
        int dc = distCost[Format.distSymbol(dist)];
        for (; len <= mlen; len++) {
          int c = lenCost[len] + dc + cost[at + len];
          if (c < best) {
            best = c;
            bestChoice = m & ~Matches.LENGTH_MASK | len;
          }
        }
      }
      cost[at] = best;
      choice[at] = bestChoice;
    }
  }

  /** Follows the choices from the block's start into {@link #trial} and {@link #trialHistogram}. */
  private int trace(byte[] buf, int base, int a, int b) {
    int[] h = trialHistogram;
    Arrays.fill(h, 0);
    int count = 0;
    for (int i = a; i < b; ) {
      int c = choice[i - a];
      int len = c & Matches.LENGTH_MASK;
      if (len == 1) {
        int lit = buf[base + i] & 0xff;
        h[lit]++;
        c = Matches.pack(1, lit);
      } else {
        h[Format.LENGTH_SYMBOL[len]]++;
        h[Format.LITLEN_SYMBOLS + Format.distSymbol(c >>> Matches.LENGTH_BITS)]++;
      }
      trial[count++] = c;
      i += len;
    }
    h[Format.END_OF_BLOCK] = 1;
    return count;
  }
}

package dev.shrink.deflate;

import java.util.Arrays;

/**
 * Near-optimal parsing of one block: the cheapest sequence of literals and matches under a
 * {@link CostModel}, found as a shortest path from the block's end backwards. At each position
 * every length from 3 up to each found match is tried, with the nearest match that reaches it.
 * Passes repeat with the costs of the previous pass's Huffman codes while they still gain; the
 * sequence that encodes smallest is kept.
 */
final class Parser {
  /** Passes stop once a pass saves less than this fraction (a power of two) of the block's bits. */
  private static final int MIN_GAIN_SHIFT = 12;

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
    }
    trial = trial.length < n ? new int[n] : trial;
    items = items.length < n ? new int[n] : items;
    costs.update(initial);
    long bestBits = Long.MAX_VALUE;
    for (int pass = 0; pass < passes; pass++) {
      shortestPath(buf, base, matches, a, b);
      int count = trace(buf, base, a, b);
      long bits = sizer.dynamicBits(trialHistogram);
      if (bits >= bestBits) {
        break;
      }
      long gain = bestBits - bits;
      bestBits = bits;
      int[] t = items;
      items = trial;
      trial = t;
      itemCount = count;
      System.arraycopy(trialHistogram, 0, histogram, 0, Format.HISTOGRAM);
      if (pass + 1 < passes) {
        if (gain < bits >> MIN_GAIN_SHIFT) {
          break;
        }
        costs.update(histogram);
      }
    }
  }

  /**
   * A greedy parse of {@code buf[base + a .. base + b)}: the longest match at each position, else a
   * literal. Leaves the result like {@link #parse}.
   */
  void greedy(byte[] buf, int base, Matches matches, int a, int b) {
    if (items.length < b - a) {
      items = new int[b - a];
    }
    int[] start = matches.start;
    int[] data = matches.data;
    int count = 0;
    for (int i = a; i < b; ) {
      int item = Matches.pack(1, buf[base + i] & 0xff);
      if (start[i + 1] > start[i]) {
        int m = data[start[i + 1] - 1];
        int len = Math.min(m & Matches.LENGTH_MASK, b - i);
        if (len >= Format.MIN_MATCH) {
          item = m & ~Matches.LENGTH_MASK | len;
        }
      }
      items[count++] = item;
      i += item & Matches.LENGTH_MASK;
    }
    itemCount = count;
    histogramOf(items, count, histogram);
  }

  private static void histogramOf(int[] items, int count, int[] h) {
    Arrays.fill(h, 0);
    for (int t = 0; t < count; t++) {
      Matches.count(items[t], h);
    }
    h[Format.END_OF_BLOCK] = 1;
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
    int count = 0;
    for (int i = a; i < b; ) {
      int c = choice[i - a];
      int len = c & Matches.LENGTH_MASK;
      trial[count++] = len == 1 ? Matches.pack(1, buf[base + i] & 0xff) : c;
      i += len;
    }
    histogramOf(trial, count, trialHistogram);
    return count;
  }
}

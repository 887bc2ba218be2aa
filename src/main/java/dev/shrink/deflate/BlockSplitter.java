package dev.shrink.deflate;

import java.util.Arrays;

/**
 * Chooses block boundaries for a segment. A greedy parse (the longest match at each position)
 * gives symbol counts at candidate boundaries every {@code step} positions; a shortest path over
 * the candidates then minimizes the estimated size of the blocks: the entropy of each block's
 * symbols plus an estimate of its header. Blocks are cut where the data changes character, as
 * between the files of a tar archive.
 */
final class BlockSplitter {
  private static final double HEADER_BITS = 80;
  private static final double HEADER_BITS_PER_SYMBOL = 4;
  private static final double[] FLOG = new double[1 << 16];

  static {
    for (int f = 1; f < FLOG.length; f++) {
      FLOG[f] = f * log2(f);
    }
  }

  private final int step;
  private final int maxStepsPerBlock;
  private int[] prefix = new int[0];
  private int[] candidates = new int[0];
  private int candidateCount;
  private final int[] counts = new int[Format.HISTOGRAM];

  /** Boundaries of the blocks chosen by the last {@link #split}: block i is {@code [bounds[i], bounds[i + 1])}. */
  int[] bounds = new int[0];
  int blockCount;

  BlockSplitter(int step, int maxStepsPerBlock) {
    this.step = step;
    this.maxStepsPerBlock = maxStepsPerBlock;
  }

  /** Splits positions {@code [0, n)} of the segment at {@code buf[base..]} whose matches are {@code matches}. */
  void split(byte[] buf, int base, Matches matches, int n) {
    int k = greedyCounts(buf, base, matches, n);
    double[] best = new double[k + 1];
    int[] from = new int[k + 1];
    for (int j = 1; j <= k; j++) {
      best[j] = Double.MAX_VALUE;
      for (int i = Math.max(0, j - maxStepsPerBlock); i < j; i++) {
        double c = best[i] + estimate(i, j);
        if (c < best[j]) {
          best[j] = c;
          from[j] = i;
        }
      }
    }
    int blocks = 0;
    for (int j = k; j > 0; j = from[j]) {
      blocks++;
    }
    if (bounds.length < blocks + 1) {
      bounds = new int[blocks + 1];
    }
    blockCount = blocks;
    for (int j = k, b = blocks; ; j = from[j], b--) {
      bounds[b] = candidates[j];
      if (j == 0) {
        break;
      }
    }
  }

  /** The greedy parse's histogram of positions {@code [bounds[block], bounds[block + 1])}, end-of-block included. */
  int[] histogram(int block, int[] out) {
    int i = indexOf(bounds[block]);
    int j = indexOf(bounds[block + 1]);
    for (int s = 0; s < Format.HISTOGRAM; s++) {
      out[s] = prefix[j * Format.HISTOGRAM + s] - prefix[i * Format.HISTOGRAM + s];
    }
    out[Format.END_OF_BLOCK] = 1;
    return out;
  }

  private int indexOf(int position) {
    return Arrays.binarySearch(candidates, 0, candidateCount, position);
  }

  /** Greedy parse; records candidate boundaries and the symbol counts before each. Returns the last candidate's index. */
  private int greedyCounts(byte[] buf, int base, Matches matches, int n) {
    int max = n / step + 2;
    if (candidates.length < max) {
      candidates = new int[max];
      prefix = new int[max * Format.HISTOGRAM];
    }
    Arrays.fill(counts, 0);
    int k = 0;
    candidates[0] = 0;
    Arrays.fill(prefix, 0, Format.HISTOGRAM, 0);
    int next = step;
    int[] start = matches.start;
    int[] data = matches.data;
    for (int i = 0; i < n; ) {
      int len = 1;
      if (start[i + 1] > start[i]) {
        int m = data[start[i + 1] - 1];
        len = Math.min(m & Matches.LENGTH_MASK, n - i);
        if (len >= Format.MIN_MATCH) {
          counts[Format.LENGTH_SYMBOL[len]]++;
          counts[Format.LITLEN_SYMBOLS + Format.distSymbol(m >>> Matches.LENGTH_BITS)]++;
        } else {
          len = 1;
        }
      }
      if (len == 1) {
        counts[buf[base + i] & 0xff]++;
      }
      i += len;
      if (i >= next || i == n) {
        if (n - i < step / 2 && i < n) {
          continue;
        }
        k++;
        candidates[k] = i;
        System.arraycopy(counts, 0, prefix, k * Format.HISTOGRAM, Format.HISTOGRAM);
        next = i + step;
      }
    }
    candidateCount = k + 1;
    return k;
  }

  /** Estimated bits of a block from candidate {@code i} to candidate {@code j}. */
  private double estimate(int i, int j) {
    int pi = i * Format.HISTOGRAM;
    int pj = j * Format.HISTOGRAM;
    int used = 1;
    long total = 1;
    double flogs = 0;
    for (int s = 0; s < Format.LITLEN_SYMBOLS; s++) {
      int f = prefix[pj + s] - prefix[pi + s];
      if (f > 0) {
        used++;
        total += f;
        flogs += flog(f);
      }
    }
    double bits = flog(total) - flogs;
    total = 0;
    flogs = 0;
    for (int s = Format.LITLEN_SYMBOLS; s < Format.HISTOGRAM; s++) {
      int f = prefix[pj + s] - prefix[pi + s];
      if (f > 0) {
        used++;
        total += f;
        flogs += flog(f);
      }
    }
    bits += flog(total) - flogs;
    return bits + HEADER_BITS + HEADER_BITS_PER_SYMBOL * used;
  }

  private static double flog(long f) {
    return f < FLOG.length ? FLOG[(int) f] : f * log2(f);
  }

  private static double log2(double x) {
    return Math.log(x) / Math.log(2);
  }
}

package dev.shrink.deflate;

import java.util.Arrays;

/**
 * Chooses block boundaries for a segment from a first parse of it: symbol counts at candidate
 * boundaries along the parse; a shortest path over candidates a step apart, minimizing the
 * estimated size of the blocks (the entropy of each block's symbols plus an estimate of its
 * header); then each boundary moved to the best of the finer candidates near it. Blocks are cut
 * where the data changes character, as between the files of a tar archive.
 */
final class BlockSplitter {
  private static final double HEADER_BITS = 40;
  private static final double HEADER_BITS_PER_SYMBOL = 4;
  /** Candidate boundaries per step: the coarse search moves in steps, the refinement in 1/REFINE steps. */
  private static final int REFINE = 8;
  /** f * log2(f) for small f. */
  private static final double[] FLOG = new double[1 << 16];

  static {
    for (int f = 1; f < FLOG.length; f++) {
      FLOG[f] = f * log2(f);
    }
  }

  private final int fineStep;
  private final int maxStepsPerBlock;
  /** Fine candidate boundaries (positions), and the parse's symbol counts before each. */
  private int[] candidates = new int[0];
  private int[] prefix = new int[0];
  private final int[] counts = new int[Format.HISTOGRAM];
  /** The chosen boundaries, as indexes into {@link #candidates}. */
  private int[] cuts = new int[0];

  /** Boundaries of the blocks chosen by the last {@link #split}: block i is {@code [bounds[i], bounds[i + 1])}. */
  int[] bounds = new int[0];
  int blockCount;

  /**
   * @param step distance between the boundaries that the search over whole blocks considers; each
   *     boundary is then moved to the best of the finer candidates within a step of it
   * @param maxStepsPerBlock longest block, in steps
   */
  BlockSplitter(int step, int maxStepsPerBlock) {
    this.fineStep = Math.max(1, step / REFINE);
    this.maxStepsPerBlock = maxStepsPerBlock;
  }

  /** Splits positions {@code [0, n)}, parsed as {@code items[0 .. itemCount)} (packed as in {@link Parser#items}). */
  void split(int[] items, int itemCount, int n) {
    int k = count(items, itemCount, n);
    int coarse = (k + REFINE - 1) / REFINE;
    double[] best = new double[coarse + 1];
    int[] from = new int[coarse + 1];
    for (int j = 1; j <= coarse; j++) {
      best[j] = Double.MAX_VALUE;
      for (int i = Math.max(0, j - maxStepsPerBlock); i < j; i++) {
        double c = best[i] + estimate(fine(i, k), fine(j, k));
        if (c < best[j]) {
          best[j] = c;
          from[j] = i;
        }
      }
    }
    int blocks = 0;
    for (int j = coarse; j > 0; j = from[j]) {
      blocks++;
    }
    if (cuts.length < blocks + 1) {
      cuts = new int[blocks + 1];
      bounds = new int[blocks + 1];
    }
    blockCount = blocks;
    for (int j = coarse, b = blocks; b >= 0; j = from[j], b--) {
      cuts[b] = fine(j, k);
    }
    refine(blocks);
    for (int b = 0; b <= blocks; b++) {
      bounds[b] = candidates[cuts[b]];
    }
  }

  private static int fine(int coarse, int k) {
    return Math.min(coarse * REFINE, k);
  }

  /** Moves each inner boundary to the fine candidate within a step that minimizes its two blocks' estimate. */
  private void refine(int blocks) {
    for (int b = 1; b < blocks; b++) {
      int lo = Math.max(cuts[b - 1] + 1, cuts[b] - REFINE);
      int hi = Math.min(cuts[b + 1] - 1, cuts[b] + REFINE);
      double best = Double.MAX_VALUE;
      for (int c = lo; c <= hi; c++) {
        double e = estimate(cuts[b - 1], c) + estimate(c, cuts[b + 1]);
        if (e < best) {
          best = e;
          cuts[b] = c;
        }
      }
    }
  }

  /** The parse's histogram of positions {@code [bounds[block], bounds[block + 1])}, end-of-block included. */
  int[] histogram(int block, int[] out) {
    int i = cuts[block] * Format.HISTOGRAM;
    int j = cuts[block + 1] * Format.HISTOGRAM;
    for (int s = 0; s < Format.HISTOGRAM; s++) {
      out[s] = prefix[j + s] - prefix[i + s];
    }
    out[Format.END_OF_BLOCK] = 1;
    return out;
  }

  /** Records candidate boundaries along a parse, and the symbol counts before each. Returns the last candidate's index. */
  private int count(int[] items, int itemCount, int n) {
    int step = fineStep;
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
    int pos = 0;
    for (int t = 0; t < itemCount; t++) {
      Matches.count(items[t], counts);
      pos += items[t] & Matches.LENGTH_MASK;
      if (pos >= next && n - pos >= step / 2 || pos == n) {
        k++;
        candidates[k] = pos;
        System.arraycopy(counts, 0, prefix, k * Format.HISTOGRAM, Format.HISTOGRAM);
        next = pos + step;
      }
    }
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

package dev.shrink.deflate;

import java.util.Arrays;

/**
 * Length-limited Huffman codes: optimal code lengths by the package-merge algorithm, and the
 * canonical codes of RFC 1951 (3.2.2), bit-reversed so that {@link BitWriter} can send them.
 */
final class Huffman {
  private Huffman() {}

  /**
   * Fills {@code lens[0..n)} with optimal code lengths of at most {@code maxBits} for the
   * frequencies {@code freq[0..n)}. Symbols of frequency 0 get length 0, except that fewer than two
   * used symbols are padded to two codes of length 1 (the lowest unused symbols), which every
   * decoder accepts.
   */
  static void codeLengths(int[] freq, int freqOff, int n, int maxBits, int[] lens) {
    Arrays.fill(lens, 0, n, 0);
    long[] leaves = new long[n];
    int m = 0;
    for (int i = 0; i < n; i++) {
      if (freq[freqOff + i] > 0) {
        // frequency in the high bits, symbol in the low bits: sorting orders by frequency, then symbol
        leaves[m++] = (long) freq[freqOff + i] << 16 | i;
      }
    }
    if (m < 2) {
      int used = m == 1 ? (int) (leaves[0] & 0xffff) : -1;
      if (used >= 0) {
        lens[used] = 1;
      }
      for (int i = 0; i < n && m < 2; i++) {
        if (i != used) {
          lens[i] = 1;
          m++;
        }
      }
      return;
    }
    Arrays.sort(leaves, 0, m);
    int[] depth = packageMerge(leaves, m, maxBits);
    for (int r = 0; r < m; r++) {
      lens[(int) (leaves[r] & 0xffff)] = depth[r];
    }
  }

  /**
   * Package-merge on {@code m} leaves sorted by weight: returns the code length of each leaf, in
   * the same order. Level {@code maxBits} holds the leaves alone; each shallower level merges the
   * leaves with the pairs ("packages") of the level below. Of the first {@code 2m-2} items of level
   * 1, each leaf adds one to its length and each package selects two items of the level below; as
   * the selected items are always a prefix of their level and leaves appear in weight order, a leaf
   * of rank r gains one bit at every level whose selected prefix holds more than r leaves.
   */
  private static int[] packageMerge(long[] leaves, int m, int maxBits) {
    long[] below = new long[2 * m];
    long[] level = new long[2 * m];
    boolean[][] isLeaf = new boolean[maxBits + 1][2 * m];
    int belowSize = m;
    for (int i = 0; i < m; i++) {
      below[i] = leaves[i] >>> 16;
      isLeaf[maxBits][i] = true;
    }
    int[] sizes = new int[maxBits + 1];
    sizes[maxBits] = m;
    for (int j = maxBits - 1; j >= 1; j--) {
      int packages = belowSize / 2;
      int li = 0;
      int pi = 0;
      int size = 0;
      while (li < m || pi < packages) {
        long pw = pi < packages ? below[2 * pi] + below[2 * pi + 1] : Long.MAX_VALUE;
        long lw = li < m ? leaves[li] >>> 16 : Long.MAX_VALUE;
        if (lw <= pw) {
          level[size] = lw;
          isLeaf[j][size++] = true;
          li++;
        } else {
          level[size++] = pw;
          pi++;
        }
      }
      long[] t = below;
      below = level;
      level = t;
      belowSize = size;
      sizes[j] = size;
    }
    int[] depth = new int[m];
    int selected = 2 * m - 2;
    for (int j = 1; j <= maxBits && selected > 0; j++) {
      int leafCount = 0;
      for (int i = 0; i < selected; i++) {
        if (isLeaf[j][i]) {
          leafCount++;
        }
      }
      for (int r = 0; r < leafCount; r++) {
        depth[r]++;
      }
      selected = 2 * (selected - leafCount);
    }
    return depth;
  }

  /**
   * Canonical codes for the lengths {@code lens[0..n)}, each reversed into the order in which
   * DEFLATE sends Huffman codes (first bit of the code in the lowest bit).
   */
  static int[] reversedCodes(int[] lens, int n) {
    int[] count = new int[Format.MAX_CODE_BITS + 2];
    for (int i = 0; i < n; i++) {
      count[lens[i]]++;
    }
    count[0] = 0;
    int[] next = new int[Format.MAX_CODE_BITS + 2];
    int code = 0;
    for (int bits = 1; bits <= Format.MAX_CODE_BITS; bits++) {
      code = (code + count[bits - 1]) << 1;
      next[bits] = code;
    }
    int[] codes = new int[n];
    for (int i = 0; i < n; i++) {
      int len = lens[i];
      if (len != 0) {
        codes[i] = Integer.reverse(next[len]++) >>> (32 - len);
      }
    }
    return codes;
  }
}

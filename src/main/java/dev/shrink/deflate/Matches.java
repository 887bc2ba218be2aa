package dev.shrink.deflate;

import java.util.Arrays;

/**
 * The matches found at each position of a segment: those of position {@code i} are
 * {@code data[start[i] .. start[i + 1])}, each packed as length (low 9 bits) and distance, in
 * increasing length.
 */
final class Matches {
  static final int LENGTH_BITS = 9;
  static final int LENGTH_MASK = (1 << LENGTH_BITS) - 1;

  int[] start = new int[0];
  int[] data = new int[0];
  int size;

  static int pack(int length, int distance) {
    return distance << LENGTH_BITS | length;
  }

  /** Counts the symbols of a parsed item (a literal: length 1, the byte as distance; or a match) into {@code histogram}. */
  static void count(int item, int[] histogram) {
    int len = item & LENGTH_MASK;
    int value = item >>> LENGTH_BITS;
    if (len == 1) {
      histogram[value]++;
    } else {
      histogram[Format.LENGTH_SYMBOL[len]]++;
      histogram[Format.LITLEN_SYMBOLS + Format.distSymbol(value)]++;
    }
  }

  void reset(int positions) {
    if (start.length < positions + 1) {
      start = new int[positions + 1];
    }
    if (data.length < 2 * positions + Format.MAX_MATCH) {
      data = new int[2 * positions + Format.MAX_MATCH];
    }
    size = 0;
  }

  /** Makes room for {@code more} entries after {@link #size}; returns the (possibly new) data array. */
  int[] reserve(int more) {
    if (size + more > data.length) {
      data = Arrays.copyOf(data, Math.max(size + more, data.length + (data.length >> 1)));
    }
    return data;
  }
}

package dev.shrink.deflate;

/**
 * What each literal, match length and distance symbol is expected to cost, in bits: the lengths of
 * the Huffman codes built from a histogram, with extra bits added. A symbol the histogram never saw
 * gets a fixed, rather high cost, so that a pass may start to use it without it seeming free.
 */
final class CostModel {
  private static final int UNSEEN_LITERAL_BITS = 12;
  private static final int UNSEEN_LENGTH_BITS = 12;
  private static final int UNSEEN_DISTANCE_BITS = 10;

  final int[] literal = new int[256];
  /** Cost of a match length 3..258: its symbol's code length plus its extra bits. */
  final int[] length = new int[Format.MAX_MATCH + 1];
  /** Cost of a distance symbol 0..29, with its extra bits. */
  final int[] distance = new int[Format.DIST_SYMBOLS];
  private final int[] litlenLens = new int[Format.LITLEN_SYMBOLS];
  private final int[] distLens = new int[Format.DIST_SYMBOLS];

  /** Sets the costs to those of Huffman codes for a histogram (litlen symbols, then distance symbols). */
  void update(int[] histogram) {
    Huffman.codeLengths(histogram, 0, Format.LITLEN_SYMBOLS, Format.MAX_CODE_BITS, litlenLens);
    Huffman.codeLengths(histogram, Format.LITLEN_SYMBOLS, Format.DIST_SYMBOLS, Format.MAX_CODE_BITS, distLens);
    for (int i = 0; i < 256; i++) {
      literal[i] = histogram[i] != 0 ? litlenLens[i] : UNSEEN_LITERAL_BITS;
    }
    for (int len = Format.MIN_MATCH; len <= Format.MAX_MATCH; len++) {
      int sym = Format.LENGTH_SYMBOL[len];
      int bits = histogram[sym] != 0 ? litlenLens[sym] : UNSEEN_LENGTH_BITS;
      length[len] = bits + Format.LENGTH_EXTRA[len];
    }
    for (int d = 0; d < Format.DIST_SYMBOLS; d++) {
      int bits = histogram[Format.LITLEN_SYMBOLS + d] != 0 ? distLens[d] : UNSEEN_DISTANCE_BITS;
      distance[d] = bits + Format.DIST_EXTRA[d];
    }
  }
}

package dev.shrink.deflate;

/** Constants and symbol tables of the DEFLATE format (RFC 1951, section 3.2.5). */
final class Format {
  static final int WINDOW = 32768;
  static final int MIN_MATCH = 3;
  static final int MAX_MATCH = 258;
  static final int END_OF_BLOCK = 256;
  /** Literal/length symbols that can occur: 0..285. */
  static final int LITLEN_SYMBOLS = 286;
  /** Distance symbols that can occur: 0..29. */
  static final int DIST_SYMBOLS = 30;
  /** Size of a histogram holding both alphabets: litlen symbols, then distance symbols. */
  static final int HISTOGRAM = LITLEN_SYMBOLS + DIST_SYMBOLS;
  static final int MAX_CODE_BITS = 15;
  static final int MAX_CODE_LENGTH_BITS = 7;
  static final int CODE_LENGTH_SYMBOLS = 19;
  /** The order in which the code-length code lengths are sent. */
  static final int[] CODE_LENGTH_ORDER = {16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15};

  /** Litlen symbol (257..285) of each match length 3..258. */
  static final int[] LENGTH_SYMBOL = new int[MAX_MATCH + 1];
  /** Extra bits sent after the symbol of each match length. */
  static final int[] LENGTH_EXTRA = new int[MAX_MATCH + 1];
  /** Smallest length of each length symbol, indexed by symbol - 257. */
  static final int[] LENGTH_BASE = new int[29];
  static final int[] DIST_BASE = new int[DIST_SYMBOLS];
  static final int[] DIST_EXTRA = new int[DIST_SYMBOLS];

  static {
    int len = 3;
    for (int c = 0; c < 28; c++) {
      int extra = c < 8 ? 0 : (c - 4) / 4;
      LENGTH_BASE[c] = len;
      for (int i = 0; i < 1 << extra; i++, len++) {
        LENGTH_SYMBOL[len] = 257 + c;
        LENGTH_EXTRA[len] = extra;
      }
    }
    // Length 258 has its own symbol (285, no extra bits) although 284 with 5 extra bits reaches 258 too.
    LENGTH_BASE[28] = MAX_MATCH;
    LENGTH_SYMBOL[MAX_MATCH] = 285;
    LENGTH_EXTRA[MAX_MATCH] = 0;
    int dist = 1;
    for (int c = 0; c < DIST_SYMBOLS; c++) {
      DIST_BASE[c] = dist;
      DIST_EXTRA[c] = c < 4 ? 0 : (c - 2) / 2;
      dist += 1 << DIST_EXTRA[c];
    }
  }

  private Format() {}

  /** The distance symbol (0..29) of a distance 1..32768. */
  static int distSymbol(int dist) {
    int x = dist - 1;
    if (x < 4) {
      return x;
    }
    int top = 31 - Integer.numberOfLeadingZeros(x);
    return 2 * top + ((x >>> (top - 1)) & 1);
  }

  /** Code lengths of the fixed Huffman codes (RFC 1951, 3.2.6): litlen 0..287 then distance 0..29. */
  static int[] fixedLitlenLengths() {
    int[] lens = new int[288];
    for (int i = 0; i < 288; i++) {
      lens[i] = i < 144 ? 8 : i < 256 ? 9 : i < 280 ? 7 : 8;
    }
    return lens;
  }

  static int[] fixedDistLengths() {
    int[] lens = new int[DIST_SYMBOLS];
    java.util.Arrays.fill(lens, 5);
    return lens;
  }
}

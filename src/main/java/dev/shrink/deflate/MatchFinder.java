package dev.shrink.deflate;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * Finds LZ77 matches with binary trees, one tree per hash of the next four bytes, plus a one-entry
 * table for three-byte matches. Every inserted position becomes the root of its tree; the walk down
 * from the old root both searches for matches and re-links the old nodes under the new root, so
 * each tree stays ordered by the strings that start at its positions. Positions are indexes into
 * the caller's array; the trees keep the last 64 Ki positions, of which the last 32 Ki (DEFLATE's
 * window, distance 1..32768) are searched.
 */
final class MatchFinder {
  private static final VarHandle INT_LE =
      MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
  private static final VarHandle LONG_LE =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  private static final int HASH3_BITS = 15;
  private static final int HASH4_BITS = 16;
  private static final int NODE_MASK = (1 << 16) - 1;
  /** An empty link: so far behind any position that it is always outside the window. */
  private static final int NIL = -(Format.WINDOW + 1);

  private final int[] hash3 = new int[1 << HASH3_BITS];
  private final int[] hash4 = new int[1 << HASH4_BITS];
  /** Two links per node: smaller strings at 2 * (pos & NODE_MASK), larger ones at the next index. */
  private final int[] tree = new int[2 * (NODE_MASK + 1)];
  private final int maxDepth;
  private final int niceLength;
  private byte[] buf;
  private int end;

  /**
   * @param maxDepth how many tree nodes a search visits at most
   * @param niceLength a match this long ends the search (and lets {@link #collect} skip over it)
   */
  MatchFinder(int maxDepth, int niceLength) {
    this.maxDepth = maxDepth;
    this.niceLength = niceLength;
  }

  /** Starts over on new data: {@code buf[0..end)} may be read, no earlier position is known. */
  void reset(byte[] buf, int end) {
    this.buf = buf;
    this.end = end;
    Arrays.fill(hash3, NIL);
    Arrays.fill(hash4, NIL);
  }

  /** Inserts position {@code pos} without reporting its matches (history, or inside a long match). */
  void insert(int pos) {
    search(pos, null, 0);
  }

  /**
   * Inserts every position of {@code [from, to)} and records their matches in {@code matches}
   * (indexed from {@code from}). After a match of at least the nice length, the positions it covers
   * are inserted but get no matches: a near-optimal parse takes the long match anyway.
   */
  void collect(int from, int to, Matches matches) {
    matches.reset(to - from);
    int[] start = matches.start;
    int pos = from;
    while (pos < to) {
      int[] data = matches.reserve(Format.MAX_MATCH);
      int first = matches.size;
      start[pos - from] = first;
      int last = search(pos, data, first);
      matches.size = last;
      pos++;
      if (last > first && (data[last - 1] & Matches.LENGTH_MASK) >= niceLength) {
        int stop = Math.min(to, pos - 1 + (data[last - 1] & Matches.LENGTH_MASK));
        for (; pos < stop; pos++) {
          start[pos - from] = last;
          insert(pos);
        }
      }
    }
    start[to - from] = matches.size;
  }

  /**
   * Inserts {@code cur} and, if {@code out} is not null, writes its matches to {@code out} from
   * {@code outPos} on: strictly increasing lengths, each at the smallest distance seen for it.
   * Returns the index after the last match written.
   */
  private int search(int cur, int[] out, int outPos) {
    int avail = end - cur;
    if (avail < 4) {
      return outPos;
    }
    int maxLen = Math.min(Format.MAX_MATCH, avail);
    int nice = Math.min(niceLength, maxLen);
    int next4 = (int) INT_LE.get(buf, cur);
    int h3 = ((next4 & 0xffffff) * 0x9E3779B1) >>> (32 - HASH3_BITS);
    int h4 = (next4 * 0x9E3779B1) >>> (32 - HASH4_BITS);
    int bestLen = Format.MIN_MATCH - 1;
    int cand3 = hash3[h3];
    hash3[h3] = cur;
    if (out != null
        && cur - cand3 <= Format.WINDOW
        && (((int) INT_LE.get(buf, cand3) ^ next4) & 0xffffff) == 0) {
      out[outPos++] = Matches.pack(Format.MIN_MATCH, cur - cand3);
      bestLen = Format.MIN_MATCH;
    }
    int cand = hash4[h4];
    hash4[h4] = cur;
    int lessLink = 2 * (cur & NODE_MASK);
    int greaterLink = lessLink + 1;
    int lessLen = 0;
    int greaterLen = 0;
    for (int depth = maxDepth; ; depth--) {
      if (cur - cand > Format.WINDOW || depth == 0) {
        tree[lessLink] = NIL;
        tree[greaterLink] = NIL;
        return outPos;
      }
      int len = Math.min(lessLen, greaterLen);
      if (buf[cand + len] == buf[cur + len]) {
        len = extend(cand, cur, len + 1, maxLen);
        if (len > bestLen && out != null) {
          bestLen = len;
          out[outPos++] = Matches.pack(len, cur - cand);
        }
        if (len >= nice) {
          int node = 2 * (cand & NODE_MASK);
          tree[lessLink] = tree[node];
          tree[greaterLink] = tree[node + 1];
          return outPos;
        }
      }
      if ((buf[cand + len] & 0xff) < (buf[cur + len] & 0xff)) {
        tree[lessLink] = cand;
        lessLink = 2 * (cand & NODE_MASK) + 1;
        cand = tree[lessLink];
        lessLen = len;
      } else {
        tree[greaterLink] = cand;
        greaterLink = 2 * (cand & NODE_MASK);
        cand = tree[greaterLink];
        greaterLen = len;
      }
    }
  }

  /** Length of the common prefix of the strings at {@code a} and {@code b}, known to be at least {@code len}. */
  private int extend(int a, int b, int len, int max) {
    while (len + 8 <= max) {
      long diff = (long) LONG_LE.get(buf, a + len) ^ (long) LONG_LE.get(buf, b + len);
      if (diff != 0) {
        return len + (Long.numberOfTrailingZeros(diff) >>> 3);
      }
      len += 8;
    }
    while (len < max && buf[a + len] == buf[b + len]) {
      len++;
    }
    return len;
  }
}

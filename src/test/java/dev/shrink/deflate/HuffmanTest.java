package dev.shrink.deflate;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.PriorityQueue;
import java.util.Random;
import org.junit.jupiter.api.Test;

class HuffmanTest {
  @Test
  void lengthsAreOptimalWhenTheLimitDoesNotBindAndWithinTheLimitWhenItDoes() {
    Random r = new Random(1);
    for (int trial = 0; trial < 200; trial++) {
      int n = 2 + r.nextInt(286);
      int[] freq = new int[n];
      for (int i = 0; i < n; i++) {
        freq[i] = r.nextInt(4) == 0 ? 0 : 1 + r.nextInt(1000);
      }
      freq[0] = 1;
      freq[n - 1] = 1;
      int[] lens = new int[n];
      Huffman.codeLengths(freq, 0, n, 30, lens);
      assertThat(cost(freq, lens)).isEqualTo(unlimitedHuffmanCost(freq));
      assertComplete(freq, lens, 30);
      Huffman.codeLengths(freq, 0, n, 15, lens);
      assertThat(cost(freq, lens)).isGreaterThanOrEqualTo(unlimitedHuffmanCost(freq));
      assertComplete(freq, lens, 15);
    }
  }

  @Test
  void limitsLengthsOfSkewedFrequencies() {
    int[] freq = new int[30];
    int a = 1;
    int b = 1;
    for (int i = 0; i < freq.length; i++) {
      freq[i] = a;
      int t = a + b;
      a = b;
      b = t;
    }
    int[] lens = new int[30];
    Huffman.codeLengths(freq, 0, 30, 15, lens);
    assertThat(Arrays.stream(lens).allMatch(l -> l >= 1 && l <= 15)).isTrue();
    assertThat(lens[0]).isEqualTo(15);
    assertComplete(freq, lens, 15);
    // the unlimited code would need 29 bits: limiting costs a little, but stays close
    assertThat(cost(freq, lens)).isLessThan(unlimitedHuffmanCost(freq) + unlimitedHuffmanCost(freq) / 100);

    int[] seven = new int[19];
    Huffman.codeLengths(freq, 0, 19, 7, seven);
    assertThat(Arrays.stream(seven).allMatch(l -> l >= 1 && l <= 7)).isTrue();
    assertComplete(Arrays.copyOf(freq, 19), seven, 7);
  }

  @Test
  void noneOrOneUsedSymbolGetsTwoCodesOfLengthOne() {
    int[] lens = new int[30];
    Huffman.codeLengths(new int[30], 0, 30, 15, lens);
    assertThat(lens[0]).isEqualTo(1);
    assertThat(lens[1]).isEqualTo(1);
    assertThat(Arrays.stream(lens).sum()).isEqualTo(2);

    int[] one = new int[30];
    one[7] = 42;
    Huffman.codeLengths(one, 0, 30, 15, lens);
    assertThat(lens[7]).isEqualTo(1);
    assertThat(lens[0]).isEqualTo(1);
    assertThat(Arrays.stream(lens).sum()).isEqualTo(2);

    int[] first = new int[30];
    first[0] = 5;
    Huffman.codeLengths(first, 0, 30, 15, lens);
    assertThat(lens[0]).isEqualTo(1);
    assertThat(lens[1]).isEqualTo(1);
  }

  @Test
  void canonicalCodesFollowRfc1951Example() {
    // RFC 1951 3.2.2: lengths (3,3,3,3,3,2,4,4) give codes 010 011 100 101 110 00 1110 1111
    int[] lens = {3, 3, 3, 3, 3, 2, 4, 4};
    int[] codes = Huffman.reversedCodes(lens, 8);
    int[] expected = {0b010, 0b011, 0b100, 0b101, 0b110, 0b00, 0b1110, 0b1111};
    for (int i = 0; i < 8; i++) {
      assertThat(Integer.reverse(codes[i]) >>> (32 - lens[i])).as("code of %d", i).isEqualTo(expected[i]);
    }
  }

  private static void assertComplete(int[] freq, int[] lens, int max) {
    double kraft = 0;
    for (int i = 0; i < lens.length; i++) {
      assertThat(lens[i] > 0).as("symbol %d used", i).isEqualTo(freq[i] > 0);
      assertThat(lens[i]).isLessThanOrEqualTo(max);
      if (lens[i] > 0) {
        kraft += Math.pow(2, -lens[i]);
      }
    }
    assertThat(kraft).isEqualTo(1.0);
  }

  private static long cost(int[] freq, int[] lens) {
    long c = 0;
    for (int i = 0; i < freq.length; i++) {
      c += (long) freq[i] * lens[i];
    }
    return c;
  }

  /** Total weighted length of an unrestricted Huffman code: the sum of all merged weights. */
  private static long unlimitedHuffmanCost(int[] freq) {
    PriorityQueue<Long> q = new PriorityQueue<>();
    for (int f : freq) {
      if (f > 0) {
        q.add((long) f);
      }
    }
    long c = 0;
    while (q.size() > 1) {
      long m = q.poll() + q.poll();
      c += m;
      q.add(m);
    }
    return c;
  }
}

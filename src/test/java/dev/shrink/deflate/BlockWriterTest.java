package dev.shrink.deflate;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Dynamic blocks whose trees have almost no symbols, forced and decoded by java.util.zip. */
class BlockWriterTest {
  @Test
  void emptyDynamicBlock() {
    assertThat(TestData.inflate(dynamic())).isEmpty();
  }

  @Test
  void oneDistinctLiteralAndNoMatch() {
    int a = 'a';
    assertThat(TestData.inflate(dynamic(lit(a), lit(a), lit(a)))).isEqualTo("aaa".getBytes(StandardCharsets.US_ASCII));
  }

  @Test
  void oneLiteralAndOneDistance() {
    byte[] out = TestData.inflate(dynamic(lit('x'), lit('y'), Matches.pack(10, 2)));
    assertThat(new String(out, StandardCharsets.US_ASCII)).isEqualTo("xyxyxyxyxyxy");
  }

  @Test
  void longestMatchAndFarthestDistanceUseTheirOwnSymbols() {
    byte[] in = new byte[32768 + 258];
    for (int i = 0; i < 32768; i++) {
      in[i] = (byte) (i * 7 + (i >> 8));
    }
    System.arraycopy(in, 0, in, 32768, 258);
    int[] items = new int[32769];
    for (int i = 0; i < 32768; i++) {
      items[i] = lit(in[i] & 0xff);
    }
    items[32768] = Matches.pack(258, 32768);
    assertThat(TestData.inflate(dynamic(items))).isEqualTo(in);
  }

  private static int lit(int b) {
    return Matches.pack(1, b);
  }

  private static byte[] dynamic(int... items) {
    int[] histogram = new int[Format.HISTOGRAM];
    for (int item : items) {
      int len = item & Matches.LENGTH_MASK;
      int value = item >>> Matches.LENGTH_BITS;
      if (len == 1) {
        histogram[value]++;
      } else {
        histogram[Format.LENGTH_SYMBOL[len]]++;
        histogram[Format.LITLEN_SYMBOLS + Format.distSymbol(value)]++;
      }
    }
    histogram[Format.END_OF_BLOCK] = 1;
    BitWriter out = new BitWriter(16);
    new BlockWriter().writeDynamic(out, items, items.length, histogram, true);
    out.alignToByte();
    return out.toByteArray();
  }
}

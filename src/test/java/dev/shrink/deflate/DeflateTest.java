package dev.shrink.deflate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.shrink.deflate.Deflate.Finish;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.util.Arrays;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class DeflateTest {
  @ParameterizedTest
  @ValueSource(ints = {1, 2, 3})
  void smallInputsRoundTrip(int effort) {
    Deflate d = new Deflate(effort);
    for (byte[] in : new byte[][] {{}, {42}, {1, 2, 3}, {7, 7, 7}, "a".repeat(2).getBytes(), TestData.text(1000, 1)}) {
      byte[] out = d.compress(in, 0, in.length, 0, Finish.FINAL_BLOCK);
      assertThat(TestData.inflate(out)).isEqualTo(in);
    }
  }

  @Test
  void emptyInputIsTheTwoByteEmptyFinalBlock() {
    assertThat(Deflate.deflate(new byte[0])).containsExactly(0x03, 0x00);
  }

  @Test
  void zerosCompressToAlmostNothing() {
    byte[] zeros = new byte[5 << 20];
    byte[] out = Deflate.deflate(zeros);
    assertThat(TestData.inflate(out)).isEqualTo(zeros);
    assertThat(out.length).isLessThan(12_000);
  }

  @Test
  void randomInputGrowsOnlyByStoredBlockHeaders() {
    byte[] in = TestData.random(3 << 20, 2);
    byte[] out = Deflate.deflate(in);
    assertThat(TestData.inflate(out)).isEqualTo(in);
    int storedBlocks = (in.length + 65534) / 65535;
    assertThat(out.length).isLessThanOrEqualTo(in.length + 5 * storedBlocks + 8);
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 2, 3})
  void textRoundTripsAndBeatsZlib(int effort) {
    byte[] in = TestData.text(300_000, 3);
    byte[] out = new Deflate(effort).compress(in, 0, in.length, 0, Finish.FINAL_BLOCK);
    assertThat(TestData.inflate(out)).isEqualTo(in);
    assertThat(out.length).isLessThan(TestData.zlibSize(in, 9));
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 2, 3})
  void libcRoundTripsAndIsSmallerThanZlibLevel9(int effort) throws Exception {
    assumeTrue(Files.isReadable(TestData.LIBC), "no " + TestData.LIBC);
    byte[] in = TestData.read(TestData.LIBC);
    byte[] out = new Deflate(effort).compress(in, 0, in.length, 0, Finish.FINAL_BLOCK);
    assertThat(TestData.inflate(out)).isEqualTo(in);
    assertThat(out.length).isLessThan(TestData.zlibSize(in, 9));
  }

  @Test
  void pythonExecutableRoundTrips() {
    assumeTrue(Files.isReadable(TestData.PYTHON), "no " + TestData.PYTHON);
    byte[] in = TestData.read(TestData.PYTHON);
    byte[] out = new Deflate(1).compress(in, 0, in.length, 0, Finish.FINAL_BLOCK);
    assertThat(TestData.inflate(out)).isEqualTo(in);
    assertThat(out.length).isLessThan(TestData.zlibSize(in, 9));
  }

  @Test
  void oneDistinctLiteralWithoutMatches() {
    for (byte[] in : new byte[][] {{'a'}, {'a', 'a'}, {0}, {(byte) 255, (byte) 255}}) {
      assertThat(TestData.inflate(Deflate.deflate(in))).isEqualTo(in);
    }
  }

  @Test
  void findsMatchesAtDistance32768() {
    byte[] in = new byte[32768 + 1000];
    System.arraycopy(TestData.random(32768, 4), 0, in, 0, 32768);
    System.arraycopy(in, 0, in, 32768, 1000);
    byte[] out = Deflate.deflate(in);
    assertThat(TestData.inflate(out)).isEqualTo(in);
    // the last 1000 bytes repeat only at distance 32768: they cost a few matches, not 1000 literals
    assertThat(out.length).isLessThan(32768 + 200);
  }

  @Test
  void historyIsUsedAndNotEmitted() {
    byte[] half = TestData.random(20_000, 5);
    byte[] buf = new byte[40_000];
    System.arraycopy(half, 0, buf, 0, 20_000);
    System.arraycopy(half, 0, buf, 20_000, 20_000);
    Deflate d = new Deflate();
    byte[] with = d.compress(buf, 20_000, 20_000, 20_000, Finish.FINAL_BLOCK);
    byte[] without = d.compress(buf, 20_000, 20_000, 0, Finish.FINAL_BLOCK);
    assertThat(with.length).isLessThan(300);
    assertThat(without.length).isGreaterThan(20_000);
    assertThat(TestData.inflate(without)).isEqualTo(half);
    byte[] inflated = inflateWithDictionary(with, half);
    assertThat(inflated).isEqualTo(half);
  }

  @Test
  void syncFlushedPiecesConcatenateIntoOneStream() {
    byte[] in = TestData.text(200_000, 6);
    Deflate d = new Deflate();
    ByteArrayOutputStream joined = new ByteArrayOutputStream();
    int[] cuts = {0, 1, 4, 50_000, 50_003, 120_000, 200_000};
    for (int i = 0; i + 1 < cuts.length; i++) {
      int off = cuts[i];
      int len = cuts[i + 1] - off;
      Finish finish = i + 2 == cuts.length ? Finish.FINAL_BLOCK : Finish.SYNC_FLUSH;
      byte[] piece = d.compress(in, off, len, Math.min(off, 32768), finish);
      joined.writeBytes(piece);
    }
    assertThat(TestData.inflate(joined.toByteArray())).isEqualTo(in);
  }

  @Test
  void syncFlushEndsWithEmptyStoredBlockWhenNotAligned() {
    byte[] in = TestData.text(10_000, 7);
    byte[] out = new Deflate().compress(in, 0, in.length, 0, Finish.SYNC_FLUSH);
    assertThat(Arrays.copyOfRange(out, out.length - 4, out.length)).containsExactly(0, 0, 0xff, 0xff);
    assertThat(new Deflate().compress(in, 0, 0, 0, Finish.SYNC_FLUSH)).isEmpty();
  }

  @Test
  void sameInputGivesSameBytes() {
    byte[] in = TestData.text(1_500_000, 8);
    assertThat(new Deflate(3).compress(in, 0, in.length, 0, Finish.FINAL_BLOCK))
        .isEqualTo(new Deflate(3).compress(in, 0, in.length, 0, Finish.FINAL_BLOCK));
  }

  @Test
  void rejectsBadArguments() {
    assertThatThrownBy(() -> new Deflate(0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Deflate(4)).isInstanceOf(IllegalArgumentException.class);
    Deflate d = new Deflate();
    assertThatThrownBy(() -> d.compress(new byte[10], 5, 6, 0, Finish.FINAL_BLOCK))
        .isInstanceOf(IndexOutOfBoundsException.class);
    assertThatThrownBy(() -> d.compress(new byte[10], 5, 5, 6, Finish.FINAL_BLOCK))
        .isInstanceOf(IndexOutOfBoundsException.class);
  }

  private static byte[] inflateWithDictionary(byte[] deflated, byte[] dictionary) {
    java.util.zip.Inflater inf = new java.util.zip.Inflater(true);
    try {
      inf.setDictionary(dictionary);
      inf.setInput(deflated);
      byte[] out = new byte[dictionary.length * 2];
      int n = inf.inflate(out);
      assertThat(inf.finished()).isTrue();
      return Arrays.copyOf(out, n);
    } catch (java.util.zip.DataFormatException e) {
      throw new AssertionError(e);
    } finally {
      inf.end();
    }
  }
}

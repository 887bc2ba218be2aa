package dev.shrink.deflate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shrink.deflate.Deflate.Finish;
import java.io.ByteArrayOutputStream;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Generated inputs of many shapes, each decoded by java.util.zip and compared with the input. */
class RoundTripTest {
  @Test
  void smallInputsOverSmallAlphabets() {
    Random r = new Random(20);
    Deflate[] encoders = {new Deflate(1), new Deflate(2), new Deflate(3)};
    for (int trial = 0; trial < 600; trial++) {
      byte[] in = new byte[r.nextInt(trial < 300 ? 40 : 3000)];
      int alphabet = 1 + r.nextInt(r.nextBoolean() ? 3 : 256);
      for (int i = 0; i < in.length; i++) {
        in[i] = (byte) r.nextInt(alphabet);
      }
      byte[] out = encoders[trial % 3].compress(in);
      assertThat(TestData.inflate(out)).as("trial %d", trial).isEqualTo(in);
    }
  }

  @Test
  void mixturesAcrossSegmentsWithHistoryAndSyncFlushes() {
    Random r = new Random(21);
    for (int trial = 0; trial < 6; trial++) {
      byte[] in = mixture(r, Deflate.SEGMENT + r.nextInt(Deflate.SEGMENT));
      Deflate d = new Deflate(1 + trial % 3);
      assertThat(TestData.inflate(d.compress(in))).as("whole, trial %d", trial).isEqualTo(in);
      ByteArrayOutputStream joined = new ByteArrayOutputStream();
      for (int off = 0; off < in.length; ) {
        int len = Math.min(in.length - off, r.nextInt(300_000));
        boolean last = off + len == in.length;
        joined.writeBytes(d.compress(in, off, len, Math.min(off, r.nextInt(40_000)), last ? Finish.FINAL_BLOCK : Finish.SYNC_FLUSH));
        off += len;
      }
      assertThat(TestData.inflate(joined.toByteArray())).as("pieces, trial %d", trial).isEqualTo(in);
    }
  }

  /** Random stretches, runs, and copies of earlier data at distances up to a bit beyond the window. */
  private static byte[] mixture(Random r, int n) {
    byte[] b = new byte[n];
    int i = 0;
    while (i < n) {
      int len = Math.min(n - i, 1 + r.nextInt(r.nextInt(5) == 0 ? 5000 : 300));
      switch (r.nextInt(4)) {
        case 0 -> {
          for (int k = 0; k < len; k++) {
            b[i + k] = (byte) r.nextInt(1 + r.nextInt(256));
          }
        }
        case 1 -> {
          byte v = (byte) r.nextInt(256);
          for (int k = 0; k < len; k++) {
            b[i + k] = v;
          }
        }
        default -> {
          int dist = 1 + r.nextInt(Math.max(1, Math.min(i, 33_000)));
          for (int k = 0; k < len; k++) {
            b[i + k] = i + k - dist >= 0 ? b[i + k - dist] : 0;
          }
        }
      }
      i += len;
    }
    return b;
  }
}

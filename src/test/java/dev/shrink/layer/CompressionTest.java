package dev.shrink.layer;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class CompressionTest {
  /** Real, compressible bytes: libc twice (about 4 MB), so zstd has more than one job's worth at a low level. */
  static byte[] sample() throws IOException {
    byte[] libc = Files.readAllBytes(Path.of("/usr/lib/x86_64-linux-gnu/libc.so.6"));
    byte[] two = new byte[libc.length * 2];
    System.arraycopy(libc, 0, two, 0, libc.length);
    System.arraycopy(libc, 0, two, libc.length, libc.length);
    return two;
  }

  static byte[] zstd(byte[] data, int level, int threads) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (OutputStream z = Compression.zstd(out, level, threads)) {
      z.write(data);
    }
    return out.toByteArray();
  }

  /** Layer digests must not depend on the machine's core count. */
  @Test
  void zstdGivesTheSameBytesOnOneCoreAsOnFour() throws IOException {
    byte[] data = sample();
    byte[] one = zstd(data, 3, 1);
    assertThat(zstd(data, 3, 4)).isEqualTo(one);
    assertThat(one.length).isLessThan(data.length / 2);
    assertThat(Compression.uncompressed(new ByteArrayInputStream(one)).readAllBytes()).isEqualTo(data);
  }
}

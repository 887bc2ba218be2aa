package dev.shrink.deflate;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;

/**
 * Measures gzip sizes and wall times of one file: java.util.zip at levels 6 and 9 (one thread)
 * and {@link GzipOutputStream} at each effort (all threads); checks that each output decompresses
 * to the input. Usage: {@code DeflateBench FILE [EFFORT...]}. Timings are rough: one run each,
 * after a short warm-up.
 */
public final class DeflateBench {
  private DeflateBench() {}

  public static void main(String[] args) throws IOException {
    byte[] data = Files.readAllBytes(Path.of(args[0]));
    System.out.printf("%s: %,d bytes, %d threads%n", args[0], data.length, Runtime.getRuntime().availableProcessors());
    warmUp(data);
    for (int level : new int[] {6, 9}) {
      long t0 = System.nanoTime();
      long size = TestData.zlibSize(data, level) + 18;
      report("java.util.zip " + level, size, t0);
    }
    int[] efforts = args.length > 1
        ? Arrays.stream(args, 1, args.length).mapToInt(Integer::parseInt).toArray()
        : new int[] {1, 2, 3};
    for (int effort : efforts) {
      long t0 = System.nanoTime();
      ByteArrayOutputStream buf = new ByteArrayOutputStream();
      try (GzipOutputStream gz = new GzipOutputStream(buf, effort)) {
        gz.write(data);
      }
      report("shrink effort " + effort, buf.size(), t0);
      try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(buf.toByteArray()))) {
        if (!Arrays.equals(in.readAllBytes(), data)) {
          throw new AssertionError("round trip failed at effort " + effort);
        }
      }
    }
  }

  /** Runs the encoder once on the first 2 MiB, so that the timings below are of compiled code. */
  private static void warmUp(byte[] data) throws IOException {
    for (int effort = Deflate.MIN_EFFORT; effort <= Deflate.MAX_EFFORT; effort++) {
      try (GzipOutputStream gz = new GzipOutputStream(OutputStream.nullOutputStream(), effort)) {
        gz.write(data, 0, Math.min(data.length, 2 << 20));
      }
    }
  }

  private static void report(String what, long size, long t0) {
    System.out.printf("%-18s %,12d bytes %7.2f s%n", what, size, (System.nanoTime() - t0) / 1e9);
  }
}

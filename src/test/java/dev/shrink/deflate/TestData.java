package dev.shrink.deflate;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.GZIPInputStream;
import java.util.zip.Inflater;

/** Inputs and decoders shared by the tests; decoding is always done by java.util.zip. */
final class TestData {
  static final Path LIBC = Path.of("/usr/lib/x86_64-linux-gnu/libc.so.6");
  static final Path PYTHON = Path.of("/usr/bin/python3.11");

  private TestData() {}

  static byte[] random(int n, long seed) {
    byte[] b = new byte[n];
    new Random(seed).nextBytes(b);
    return b;
  }

  /** English-like text: words drawn with a skewed distribution, so it has both matches and literals. */
  static byte[] text(int n, long seed) {
    String[] words = ("the of and to in is that for it as with was on be by this are from or at an have not "
        + "compression deflate huffman literal distance window block stream encoder decoder parse cost")
        .split(" ");
    Random r = new Random(seed);
    StringBuilder sb = new StringBuilder();
    while (sb.length() < n) {
      int w = (int) Math.min(words.length - 1, Math.abs(r.nextGaussian()) * 8);
      sb.append(words[w]).append(r.nextInt(12) == 0 ? ".\n" : " ");
    }
    return sb.substring(0, n).getBytes(StandardCharsets.US_ASCII);
  }

  static byte[] read(Path p) {
    try {
      return Files.readAllBytes(p);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Decodes a raw DEFLATE stream, requiring that it ends with a final block and uses all its bytes. */
  static byte[] inflate(byte[] deflated) {
    Inflater inf = new Inflater(true);
    try {
      inf.setInput(deflated);
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      byte[] buf = new byte[1 << 16];
      while (!inf.finished()) {
        int n = inf.inflate(buf);
        if (n == 0 && !inf.finished() && (inf.needsInput() || inf.needsDictionary())) {
          throw new AssertionError("truncated stream: no final block");
        }
        out.write(buf, 0, n);
      }
      if (inf.getRemaining() != 0) {
        throw new AssertionError(inf.getRemaining() + " bytes after the final block");
      }
      return out.toByteArray();
    } catch (DataFormatException e) {
      throw new AssertionError("invalid DEFLATE stream", e);
    } finally {
      inf.end();
    }
  }

  static byte[] gunzip(byte[] gz) {
    try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(gz))) {
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static int zlibSize(byte[] data, int level) {
    Deflater d = new Deflater(level, true);
    d.setInput(data);
    d.finish();
    byte[] out = new byte[1 << 16];
    int size = 0;
    while (!d.finished()) {
      size += d.deflate(out);
    }
    d.end();
    return size;
  }

  static byte[] gzip(byte[] data, int effort, int threads) {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    try (GzipOutputStream gz = new GzipOutputStream(buf, effort, threads)) {
      gz.write(data);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return buf.toByteArray();
  }
}

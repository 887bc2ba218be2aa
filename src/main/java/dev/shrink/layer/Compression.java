package dev.shrink.layer;

import com.github.luben.zstd.ZstdInputStream;
import com.github.luben.zstd.ZstdOutputStream;
import dev.shrink.deflate.Deflate;
import dev.shrink.deflate.GzipOutputStream;
import dev.shrink.image.MediaTypes;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/** Layer compressions: what a blob is (by its first bytes, as engines do) and how to (un)wrap it. */
public enum Compression {
  NONE(MediaTypes.OCI_LAYER),
  GZIP(MediaTypes.OCI_LAYER_GZIP),
  ZSTD(MediaTypes.OCI_LAYER_ZSTD);

  /**
   * The zlib level of copies, which move whole fat images and want speed: level 4 made Falcon's
   * copy 74.6 MB (skopeo's: 76.2) in 5.1 s of CPU, level 6 72.7 MB in 7.6 s (docs/decisions.md).
   */
  public static final int FAST_GZIP = 4;

  /** minify's and build's default zlib level (see {@link #defaultLevel}). */
  private static final int DEFAULT_GZIP = 7;

  private final String ociMediaType;

  Compression(String ociMediaType) {
    this.ociMediaType = ociMediaType;
  }

  public String ociMediaType() {
    return ociMediaType;
  }

  /** Reads the magic bytes of a stream that supports mark/reset. */
  public static Compression detect(InputStream in) throws IOException {
    in.mark(4);
    byte[] head = in.readNBytes(4);
    in.reset();
    if (head.length >= 2 && (head[0] & 0xff) == 0x1f && (head[1] & 0xff) == 0x8b) {
      return GZIP;
    }
    if (head.length == 4 && (head[0] & 0xff) == 0x28 && (head[1] & 0xff) == 0xb5 && (head[2] & 0xff) == 0x2f && (head[3] & 0xff) == 0xfd) {
      return ZSTD;
    }
    return NONE;
  }

  /** The uncompressed tar stream of a layer blob, whatever its compression; gzip is read strictly ({@link GzipReader}). */
  public static InputStream uncompressed(InputStream blob) throws IOException {
    InputStream in = blob.markSupported() ? blob : new BufferedInputStream(blob, 1 << 16);
    return switch (detect(in)) {
      case GZIP -> new GzipReader(in);
      case ZSTD -> new ZstdInputStream(in);
      case NONE -> in;
    };
  }

  /** gzip levels above zlib's 9: shrink's near-optimal encoder, at effort level - 9. */
  private static final int GZIP_NEAR_OPTIMAL = 10;

  /**
   * A compressing stream; the same input and level always give the same bytes: gzip output has a
   * fixed header (no mtime, no name), at levels 0-9 from zlib, at 10-12 from shrink's near-optimal
   * encoder ({@link dev.shrink.deflate}), on every core; zstd runs multi-threaded on every core,
   * whose output is the same for any number of threads (but not the same as zstd's
   * single-threaded mode, never used).
   */
  public OutputStream compress(OutputStream out, int level) throws IOException {
    return switch (this) {
      case GZIP -> level >= GZIP_NEAR_OPTIMAL ? new GzipOutputStream(out, level - GZIP_NEAR_OPTIMAL + Deflate.MIN_EFFORT)
          : GzipOutputStream.zlib(out, level);
      case ZSTD -> zstd(out, level, Runtime.getRuntime().availableProcessors());
      case NONE -> out;
    };
  }

  static OutputStream zstd(OutputStream out, int level, int threads) throws IOException {
    ZstdOutputStream z = new ZstdOutputStream(out, level);
    z.setWorkers(Math.max(1, threads));
    return z;
  }

  /**
   * The level minify and build write layers at. gzip: zlib's 7, the least wait of minify + push +
   * pull on a 100 Mbit/s link among the levels whose images stay within 5% of shrink's encoder at
   * 12 on every fixture (bench/wait.sh; 6 was 5.3% larger on sklearn's): 12 saves about 5% of the
   * bytes, a tenth of a second on that link, for seconds of compression; {@code
   * --compression-level 12} is one flag away. zstd: 19, for whoever asks zstd for the smallest pull.
   */
  public int defaultLevel() {
    return switch (this) {
      case GZIP -> DEFAULT_GZIP;
      case ZSTD -> 19;
      case NONE -> 0;
    };
  }

  /** The level asked for (null: the default), checked against what this compression takes. */
  public int level(Integer requested) {
    if (requested == null) {
      return defaultLevel();
    }
    int min = this == ZSTD ? 1 : 0;
    int max = switch (this) {
      case GZIP -> GZIP_NEAR_OPTIMAL + Deflate.MAX_EFFORT - Deflate.MIN_EFFORT;
      case ZSTD -> 22;
      case NONE -> 0;
    };
    if (requested < min || requested > max) {
      throw new IllegalArgumentException("compression level " + requested + ": " + name().toLowerCase(java.util.Locale.ROOT)
          + " takes " + min + " to " + max);
    }
    return requested;
  }
}

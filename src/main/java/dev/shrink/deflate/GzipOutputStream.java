package dev.shrink.deflate;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Objects;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * Writes one gzip member (RFC 1952) compressed with {@link Deflate}, or with zlib at levels 0-9
 * ({@link #zlib}), using several threads.
 *
 * <p>The input is cut into chunks of 1 MiB at fixed offsets; each chunk is compressed on its own,
 * with the 32 KiB before it as history, and ends byte-aligned so that the pieces join into one
 * DEFLATE stream. The output therefore depends only on the input and the effort (or zlib level),
 * never on the number of threads. The header is fixed (no name, MTIME 0, XFL 2, OS 255). At most two
 * chunks per thread are buffered or in flight, so memory stays bounded whatever the input's size:
 * about 40 MiB per thread for shrink's encoder (its working memory; zlib's is under 1 MiB) plus
 * 4 MiB of chunks and their output. The worker
 * threads are daemons and are shut down by {@link #finish()} or {@link #close()}; a failure in a
 * worker surfaces as an {@link IOException} from a later write, finish or close.
 */
public final class GzipOutputStream extends OutputStream {
  static final int CHUNK = 1 << 20;
  private static final byte[] HEADER = {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 2, (byte) 0xff};
  private static final AtomicInteger STREAMS = new AtomicInteger();

  private final OutputStream out;
  private final ChunkCompressor compressor;
  private final ExecutorService executor;
  private final int maxInFlight;
  private final ArrayDeque<Future<byte[]>> inFlight = new ArrayDeque<>();
  /** The chunk buffers of {@link #inFlight}, in the same order, and those free to reuse. */
  private final ArrayDeque<byte[]> inFlightBuffers = new ArrayDeque<>();
  private final ArrayDeque<byte[]> freeBuffers = new ArrayDeque<>();
  private final CRC32 crc = new CRC32();
  private long size;
  /** History (up to 32 KiB) followed by the current chunk. */
  private byte[] buffer = new byte[Format.WINDOW + CHUNK];
  private int historyLength;
  private int chunkLength;
  private boolean finished;
  private boolean closed;
  private boolean failed;

  /** Each encoder thread holds about 40 MiB: more than this many buy little on a layer. */
  private static final int MAX_THREADS = 8;

  /** A stream at {@link Deflate#DEFAULT_EFFORT} with one thread per available processor (at most 8). */
  public GzipOutputStream(OutputStream out) throws IOException {
    this(out, Deflate.DEFAULT_EFFORT);
  }

  /** A stream at an effort from {@link Deflate#MIN_EFFORT} to {@link Deflate#MAX_EFFORT}, one thread per available processor (at most 8). */
  public GzipOutputStream(OutputStream out, int effort) throws IOException {
    this(out, effort, Math.min(MAX_THREADS, Runtime.getRuntime().availableProcessors()));
  }

  GzipOutputStream(OutputStream out, int effort, int threads) throws IOException {
    this(out, pooled(effort), threads);
  }

  /**
   * A stream compressed by zlib ({@link Deflater}) at {@code level} 0-9, one thread per available
   * processor (at most 8): each chunk is primed with the 32 KiB before it as zlib's dictionary, so
   * the output is about as small as one zlib stream's, and the same for any number of threads.
   */
  public static GzipOutputStream zlib(OutputStream out, int level) throws IOException {
    return zlib(out, level, Math.min(MAX_THREADS, Runtime.getRuntime().availableProcessors()));
  }

  static GzipOutputStream zlib(OutputStream out, int level, int threads) throws IOException {
    if (level < 0 || level > 9) {
      throw new IllegalArgumentException("zlib level must be 0-9; got " + level);
    }
    return new GzipOutputStream(out, new ZlibChunks(level), threads);
  }

  GzipOutputStream(OutputStream out, ChunkCompressor compressor, int threads) throws IOException {
    if (threads < 1) {
      throw new IllegalArgumentException("threads: " + threads);
    }
    out.write(HEADER);
    this.out = out;
    this.compressor = compressor;
    this.maxInFlight = 2 * threads;
    int stream = STREAMS.incrementAndGet();
    AtomicInteger thread = new AtomicInteger();
    this.executor = Executors.newFixedThreadPool(threads, r -> {
      Thread t = new Thread(r, "gzip-" + stream + "-" + thread.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
  }

  /** Compresses one chunk (after {@code history} bytes of history) into DEFLATE blocks; called from several threads. */
  @FunctionalInterface
  interface ChunkCompressor {
    byte[] compress(byte[] buf, int history, int length, Deflate.Finish finish);

    /** Frees what the compressor holds outside the heap; called once no chunk is in flight. */
    default void release() {}
  }

  /** Encoders reused across the compressing threads: one per thread at most, made when none is idle. */
  private static final class Idle<T> {
    private final ConcurrentLinkedQueue<T> idle = new ConcurrentLinkedQueue<>();
    private final Supplier<T> make;

    Idle(Supplier<T> make) {
      this.make = make;
    }

    <R> R use(Function<T, R> work) {
      T t = idle.poll();
      if (t == null) {
        t = make.get();
      }
      try {
        return work.apply(t);
      } finally {
        idle.add(t);
      }
    }

    void drain(Consumer<T> end) {
      for (T t; (t = idle.poll()) != null; ) {
        end.accept(t);
      }
    }
  }

  /** zlib's raw DEFLATE per chunk, the history as its dictionary; one {@link Deflater} per thread, ended on release. */
  private static final class ZlibChunks implements ChunkCompressor {
    private final Idle<Deflater> deflaters;

    ZlibChunks(int level) {
      this.deflaters = new Idle<>(() -> new Deflater(level, true));
    }

    @Override
    public byte[] compress(byte[] buf, int history, int length, Deflate.Finish finish) {
      return deflaters.use(deflater -> {
        deflater.reset();
        if (history > 0) {
          deflater.setDictionary(buf, 0, history);
        }
        deflater.setInput(buf, history, length);
        // room for stored blocks (5 bytes per 64 KiB) and the flush marker: one pass for any input
        byte[] out = new byte[length + (length >> 10) + 64];
        int size = 0;
        if (finish == Deflate.Finish.FINAL_BLOCK) {
          deflater.finish();
        }
        int flush = finish == Deflate.Finish.FINAL_BLOCK ? Deflater.NO_FLUSH : Deflater.SYNC_FLUSH;
        // SYNC_FLUSH ends byte-aligned (an empty stored block): the next chunk's blocks follow on
        while (true) {
          int n = deflater.deflate(out, size, out.length - size, flush);
          size += n;
          if (size < out.length && (flush == Deflater.SYNC_FLUSH || deflater.finished())) {
            return Arrays.copyOf(out, size);
          }
          if (size == out.length) {
            out = Arrays.copyOf(out, out.length * 2);
          }
        }
      });
    }

    @Override
    public void release() {
      deflaters.drain(Deflater::end);
    }
  }

  /** Compresses chunks with {@link Deflate} encoders kept for reuse, one per thread at most. */
  private static ChunkCompressor pooled(int effort) {
    Deflate.checkEffort(effort);
    Idle<Deflate> encoders = new Idle<>(() -> new Deflate(effort));
    return (buf, history, length, finish) -> encoders.use(encoder -> encoder.compress(buf, history, length, history, finish));
  }

  @Override
  public void write(int b) throws IOException {
    ensureOpen();
    crc.update(b);
    size++;
    if (chunkLength == CHUNK) {
      submit(false);
    }
    buffer[historyLength + chunkLength++] = (byte) b;
  }

  @Override
  public void write(byte[] b, int off, int len) throws IOException {
    Objects.checkFromIndexSize(off, len, b.length);
    ensureOpen();
    crc.update(b, off, len);
    size += len;
    while (len > 0) {
      if (chunkLength == CHUNK) {
        submit(false);
      }
      int n = Math.min(len, CHUNK - chunkLength);
      System.arraycopy(b, off, buffer, historyLength + chunkLength, n);
      chunkLength += n;
      off += n;
      len -= n;
    }
  }

  private void ensureOpen() throws IOException {
    if (finished || closed || failed) {
      throw new IOException(failed ? "an earlier write failed" : "stream finished");
    }
  }

  /** Flushes the underlying stream only: compressed data is written as chunks complete. */
  @Override
  public void flush() throws IOException {
    out.flush();
  }

  /**
   * Compresses what is left and writes the trailer, without closing the underlying stream; stops
   * the threads. Nothing can be written afterwards.
   */
  public void finish() throws IOException {
    ensureOpen();
    try {
      submit(true);
      while (!inFlight.isEmpty()) {
        writeOldest();
      }
      long crcValue = crc.getValue();
      byte[] trailer = new byte[8];
      for (int i = 0; i < 4; i++) {
        trailer[i] = (byte) (crcValue >>> (8 * i));
        trailer[4 + i] = (byte) (size >>> (8 * i));
      }
      out.write(trailer);
    } finally {
      finished = true;
      stop();
    }
  }

  /** {@link #finish() Finishes} the member unless done or failed, then closes the underlying stream. */
  @Override
  public void close() throws IOException {
    if (closed) {
      return;
    }
    try (out) {
      if (!finished && !failed) {
        finish();
      }
    } finally {
      closed = true;
      stop();
    }
  }

  /** Stops the threads, waits for a chunk still being compressed, then frees the compressor's memory. */
  private void stop() {
    executor.shutdownNow();
    try {
      if (executor.awaitTermination(1, TimeUnit.MINUTES)) {
        compressor.release();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void submit(boolean last) throws IOException {
    byte[] data = buffer;
    int history = historyLength;
    int length = chunkLength;
    Deflate.Finish finish = last ? Deflate.Finish.FINAL_BLOCK : Deflate.Finish.SYNC_FLUSH;
    inFlight.add(executor.submit(() -> compressor.compress(data, history, length, finish)));
    inFlightBuffers.add(data);
    if (!last) {
      buffer = freeBuffers.isEmpty() ? new byte[Format.WINDOW + CHUNK] : freeBuffers.pop();
      historyLength = Math.min(Format.WINDOW, history + length);
      System.arraycopy(data, history + length - historyLength, buffer, 0, historyLength);
      chunkLength = 0;
      while (inFlight.size() >= maxInFlight) {
        writeOldest();
      }
    }
  }

  private void writeOldest() throws IOException {
    Future<byte[]> oldest = inFlight.remove();
    byte[] chunk = inFlightBuffers.remove();
    try {
      out.write(oldest.get());
      freeBuffers.push(chunk); // its compression is done: the buffer takes a later chunk
    } catch (IOException e) {
      failed = true;
      throw e;
    } catch (InterruptedException e) {
      failed = true;
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while compressing");
    } catch (ExecutionException e) {
      failed = true;
      throw new IOException("compression failed", e.getCause());
    }
  }
}

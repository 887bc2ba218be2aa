package dev.shrink.progress;

import java.io.FilterInputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One phase of a command (see {@link Phases}): opened, told the bytes it reads or writes as it
 * works, marked done, closed. Knows its wall time and its bytes, and the bytes it expects when known.
 */
public final class Phase implements AutoCloseable {
  private final String name;
  private final long total;
  private final Phases.Listener listener;
  private final long started = System.nanoTime();
  private final AtomicLong bytes = new AtomicLong();
  private volatile long ended = -1;
  private volatile boolean done;

  Phase(String name, long total, Phases.Listener listener) {
    this.name = name;
    this.total = total;
    this.listener = listener;
  }

  public String name() {
    return name;
  }

  /** The bytes this phase expects to read or write, or -1 when it cannot know. */
  public long total() {
    return total;
  }

  public long bytes() {
    return bytes.get();
  }

  /** Wall time from opening to closing (to now while open). */
  public long nanos() {
    long end = ended;
    return (end < 0 ? System.nanoTime() : end) - started;
  }

  /** {@code n} more bytes read or written; any thread may call it. */
  public void add(long n) {
    bytes.addAndGet(n);
  }

  /** {@code in}, with every byte read or skipped added to this phase. */
  public InputStream counting(InputStream in) {
    return new FilterInputStream(in) {
      @Override
      public int read() throws IOException {
        int b = in.read();
        if (b >= 0) {
          add(1);
        }
        return b;
      }

      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        int n = in.read(b, off, len);
        if (n > 0) {
          add(n);
        }
        return n;
      }

      @Override
      public long skip(long n) throws IOException {
        long skipped = in.skip(n);
        add(skipped);
        return skipped;
      }
    };
  }

  /** {@code out}, with every byte written added to this phase. */
  public OutputStream counting(OutputStream out) {
    return new FilterOutputStream(out) {
      @Override
      public void write(int b) throws IOException {
        out.write(b);
        add(1);
      }

      @Override
      public void write(byte[] b, int off, int len) throws IOException {
        out.write(b, off, len);
        add(len);
      }
    };
  }

  /** The phase did its work: it ends when closed. */
  public void done() {
    done = true;
  }

  /** Closed without {@link #done}: its work failed. */
  public boolean failed() {
    return ended >= 0 && !done;
  }

  /** Ends the phase (once) and tells the listener; a phase closed before {@link #done} failed. */
  @Override
  public void close() {
    if (ended < 0) {
      ended = System.nanoTime();
      if (listener != null) {
        listener.closed(this);
      }
    }
  }
}

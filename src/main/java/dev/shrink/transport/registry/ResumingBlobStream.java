package dev.shrink.transport.registry;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A blob's body that survives a dropped or stalled connection. A read that gets no byte for the
 * policy's idle time fails (the connection is closed under it); a failed read, or an end before
 * the blob's size, opens the blob again where it stopped, as often as transient failures are
 * retried; the last failure names the blob and how far it got.
 */
final class ResumingBlobStream extends InputStream {
  private static final ScheduledExecutorService WATCHDOG = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "shrink-registry-idle");
    t.setDaemon(true);
    return t;
  });

  /** Opens the blob's bytes from an offset. */
  @FunctionalInterface
  interface Opener {
    InputStream open(long from);
  }

  private final String what;
  private final long size;
  private final RegistryClient.RetryPolicy retry;
  private final Opener opener;
  private InputStream body;
  private long position;
  private int attempts = 1;
  private volatile boolean stalled;

  /**
   * @param what names the blob in errors, e.g. {@code docker://host/app:1: reading blob sha256:...}
   * @param size the blob's size, or -1 when unknown (then an early end cannot be told)
   */
  ResumingBlobStream(String what, long size, RegistryClient.RetryPolicy retry, Opener opener) {
    this.what = what;
    this.size = size;
    this.retry = retry;
    this.opener = opener;
    this.body = opener.open(0);
  }

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    if (len == 0) {
      return 0;
    }
    Duration delay = retry.firstDelay();
    while (true) {
      IOException failure;
      try {
        int n = timedRead(b, off, len);
        if (n > 0) {
          position += n;
          return n;
        }
        if (size < 0 || position >= size) {
          return -1;
        }
        failure = new EOFException("the connection ended after " + position + " of " + size + " bytes");
      } catch (IOException e) {
        failure = e;
      }
      if (stalled) {
        failure = new IOException("no data for " + retry.idle().toSeconds() + " s after " + position + " bytes", failure);
      }
      closeBody();
      if (attempts >= retry.attempts()) {
        throw new IOException(what + ": " + failure.getMessage() + " (gave up after " + attempts + " attempts)", failure);
      }
      attempts++;
      pause(delay);
      delay = delay.multipliedBy(2).compareTo(retry.maxDelay()) > 0 ? retry.maxDelay() : delay.multipliedBy(2);
      stalled = false;
      body = opener.open(position);
    }
  }

  /** A read of the body that the watchdog ends by closing the body when no byte comes in time. */
  private int timedRead(byte[] b, int off, int len) throws IOException {
    InputStream current = body;
    ScheduledFuture<?> alarm = WATCHDOG.schedule(() -> {
      stalled = true;
      try {
        current.close();
      } catch (IOException e) {
        // closing is all the watchdog can do
      }
    }, retry.idle().toMillis(), TimeUnit.MILLISECONDS);
    try {
      return current.read(b, off, len);
    } finally {
      alarm.cancel(false);
    }
  }

  private void pause(Duration delay) throws IOException {
    try {
      Thread.sleep(delay.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(what + ": interrupted", e);
    }
  }

  private void closeBody() {
    try {
      body.close();
    } catch (IOException e) {
      // a broken connection is being dropped anyway
    }
  }

  @Override
  public void close() {
    closeBody();
  }
}

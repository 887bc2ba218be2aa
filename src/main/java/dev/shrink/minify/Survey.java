package dev.shrink.minify;

import dev.shrink.fs.RootFs;
import dev.shrink.image.Image;
import dev.shrink.report.Report;
import dev.shrink.sbom.Inventory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

/**
 * What minify reads of a whole root that no step changes: the sizes of the fat image to report
 * against, and the root's Debian packages. Both walk every file of the root, so they are read on a
 * thread of their own from the moment the root is there, while the analysis runs on the other core,
 * and once for all the builds of a repair. {@link #close} waits for that thread to be done with the
 * root (before it is unmounted or deleted).
 */
public final class Survey implements AutoCloseable {
  private final CompletableFuture<Report.Sizes> sizes;
  private final CompletableFuture<Inventory> debs;

  private Survey(CompletableFuture<Report.Sizes> sizes, CompletableFuture<Inventory> debs) {
    this.sizes = sizes;
    this.debs = debs;
  }

  /** Starts reading the sizes of {@code image}, unpacked or mounted at {@code root}, and its packages. */
  static Survey start(Image image, RootFs root) {
    ExecutorService thread = thread();
    try {
      return new Survey(CompletableFuture.supplyAsync(unchecked(() -> Reports.before(image, root.dir())), thread),
          CompletableFuture.supplyAsync(unchecked(() -> Inventory.debs(root)), thread));
    } finally {
      thread.shutdown();
    }
  }

  /** The sizes given ({@code before}, or null where there is no fat image), and the packages of {@code root} read beside. */
  static Survey of(Report.Sizes before, RootFs root) {
    ExecutorService thread = thread();
    try {
      return new Survey(CompletableFuture.completedFuture(before), CompletableFuture.supplyAsync(unchecked(() -> Inventory.debs(root)), thread));
    } finally {
      thread.shutdown();
    }
  }

  Report.Sizes sizes() throws IOException {
    return get(sizes);
  }

  Inventory debs() throws IOException {
    return get(debs);
  }

  /** Waits until the root is no longer read; a failure is left to whoever asks for the result. */
  @Override
  public void close() {
    CompletableFuture.allOf(sizes, debs).exceptionally(e -> null).join();
  }

  private static ExecutorService thread() {
    return Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "shrink-survey");
      t.setDaemon(true);
      return t;
    });
  }

  @FunctionalInterface
  private interface Read<T> {
    T get() throws IOException;
  }

  private static <T> Supplier<T> unchecked(Read<T> read) {
    return () -> {
      try {
        return read.get();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    };
  }

  private static <T> T get(CompletableFuture<T> future) throws IOException {
    try {
      return future.join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof UncheckedIOException u) {
        throw u.getCause();
      }
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      if (e.getCause() instanceof Error err) {
        throw err;
      }
      throw e;
    }
  }
}

package dev.shrink.transport.engine;

import java.io.IOException;
import java.util.function.Consumer;

/**
 * A layer read from podman's store did not come out as the image names it (a file of its diff
 * directory changed or missing, a tar-split shrink cannot follow): nothing built from it was kept,
 * and the image reads its blobs through {@code podman save} from then on.
 */
public final class StoreReadException extends IOException {
  private static final long serialVersionUID = 1L;

  StoreReadException(String message, IOException cause) {
    super(message, cause);
  }

  /** Work with an image that writes all or nothing. */
  @FunctionalInterface
  public interface Action {
    void run() throws IOException;
  }

  /** Runs {@code action}; when it failed on a layer of podman's store, tells {@code warn} and runs it once more. */
  public static void retried(Action action, Consumer<String> warn) throws IOException {
    try {
      action.run();
    } catch (IOException | RuntimeException e) {
      StoreReadException s = in(e);
      if (s == null) {
        throw e;
      }
      warn.accept(s.getMessage() + "; reading the image with podman save instead");
      action.run();
    }
  }

  private static StoreReadException in(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof StoreReadException s) {
        return s;
      }
    }
    return null;
  }
}

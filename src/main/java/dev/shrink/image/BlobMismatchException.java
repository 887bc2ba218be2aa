package dev.shrink.image;

import java.io.IOException;

/** A blob's bytes do not have the digest or size its descriptor names. */
public final class BlobMismatchException extends IOException {
  private static final long serialVersionUID = 1L;

  public BlobMismatchException(String message) {
    super(message);
  }

  /** The mismatch behind a failure (a reader may wrap it), or null when there is none. */
  public static BlobMismatchException in(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof BlobMismatchException m) {
        return m;
      }
      for (Throwable s : t.getSuppressed()) {
        if (s instanceof BlobMismatchException m) {
          return m;
        }
      }
    }
    return null;
  }
}

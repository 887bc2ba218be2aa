package dev.shrink.transport.registry;

import java.io.IOException;

/** A blob's bytes do not have the digest or size its descriptor names. */
final class BlobMismatchException extends IOException {
  private static final long serialVersionUID = 1L;

  BlobMismatchException(String message) {
    super(message);
  }
}

package dev.shrink.transport.registry;

import dev.shrink.image.ImageException;

/** A registry answered with an error, or could not be reached; the message names the image and the action. */
public final class RegistryException extends ImageException {
  private final int status;
  private transient java.time.Duration retryAfter;

  RegistryException(String message, int status, Throwable cause) {
    super(message, cause);
    this.status = status;
  }

  /** The HTTP status, or 0 when the registry could not be reached, -1 when it answered HTTPS in plain HTTP. */
  public int status() {
    return status;
  }

  /** How long the registry asked us to wait (Retry-After), or null. */
  java.time.Duration retryAfter() {
    return retryAfter;
  }

  void retryAfter(java.time.Duration value) {
    retryAfter = value;
  }

  /** True for failures worth another try: no connection, 5xx, 429. */
  boolean isTransient() {
    return status == 0 || status == 429 || status >= 500;
  }
}

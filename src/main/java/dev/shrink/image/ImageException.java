package dev.shrink.image;

/** An image that cannot be read or written; the message names the image and what is wrong. */
public class ImageException extends RuntimeException {
  public ImageException(String message) {
    super(message);
  }

  public ImageException(String message, Throwable cause) {
    super(message, cause);
  }
}

package dev.shrink.layer;

import dev.shrink.image.ImageException;

/** A layer that cannot be applied; the message names the image, the layer digest and the entry. */
public final class LayerException extends ImageException {
  public LayerException(String image, String layer, String entry, String problem, Throwable cause) {
    super(image + ", layer " + layer + (entry == null ? "" : ", entry '" + entry + "'") + ": " + problem, cause);
  }
}

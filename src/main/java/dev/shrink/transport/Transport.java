package dev.shrink.transport;

import dev.shrink.image.Image;
import java.io.IOException;

/**
 * One way to store images, named as skopeo names it ({@code docker-archive}, {@code oci}, ...).
 * The {@code spec} is what follows {@code NAME:} in a reference.
 */
public interface Transport {
  String name();

  /** Opens the image; the caller closes it. */
  Image read(String spec, TransportOptions options) throws IOException;

  /** Writes the image whole, or leaves nothing behind: no half-written output. */
  void write(Image image, String spec, TransportOptions options) throws IOException;
}

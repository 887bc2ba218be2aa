package dev.shrink.image;

import java.util.Map;

/**
 * An OCI content descriptor: what a blob is, its digest and size.
 *
 * @param annotations never null; empty when there are none
 * @param platform null unless this descriptor is an index entry that names one
 */
public record Descriptor(String mediaType, String digest, long size, Map<String, String> annotations, Platform platform) {
  public Descriptor {
    if (!Digest.isValid(digest)) {
      throw new IllegalArgumentException("descriptor with a bad digest: " + digest);
    }
    annotations = annotations == null ? Map.of() : Map.copyOf(annotations);
  }

  public Descriptor(String mediaType, String digest, long size) {
    this(mediaType, digest, size, Map.of(), null);
  }

  public Descriptor withMediaType(String type) {
    return new Descriptor(type, digest, size, annotations, platform);
  }
}

package dev.shrink.image;

import java.util.List;
import tools.jackson.databind.JsonNode;

/** An OCI index or Docker manifest list: manifests for several platforms. */
public record Index(String mediaType, List<Descriptor> manifests) {
  public static Index parse(byte[] json, String what) {
    JsonNode node = ImageJson.parse(json, what);
    return ImageJson.typed(what, () -> new Index(node.path("mediaType").asString(MediaTypes.OCI_INDEX),
        node.path("manifests").values().stream().map(m -> ImageJson.descriptor(m, what + " entry")).toList()));
  }

  /** True when a JSON document is an index or list rather than a manifest. */
  public static boolean isIndex(byte[] json, String what) {
    JsonNode node = ImageJson.parse(json, what);
    return ImageJson.typed(what, () -> MediaTypes.isIndex(node.path("mediaType").asString("")) || node.has("manifests"));
  }

  /** How deep indexes may nest (an index naming an index naming ...) before a reader gives up. */
  public static final int MAX_DEPTH = 4;

  /**
   * The manifest for a platform, or a nested index to look in next. An entry without a platform
   * matches only when it is the one image or index entry in the index. Attestation manifests
   * (platform unknown/unknown) are ignored.
   */
  public Descriptor select(Platform platform, String what) {
    List<Descriptor> images = manifests.stream()
        .filter(d -> MediaTypes.isManifest(d.mediaType()) || MediaTypes.isIndex(d.mediaType()) || d.mediaType().isEmpty())
        .filter(d -> d.platform() == null || !"unknown".equals(d.platform().os()))
        .toList();
    for (Descriptor d : images) {
      if (d.platform() != null && platform.matches(d.platform())) {
        return d;
      }
    }
    if (images.size() == 1 && images.get(0).platform() == null) {
      return images.get(0);
    }
    List<String> available = images.stream().map(d -> String.valueOf(d.platform())).toList();
    throw new ImageException(what + " has no image for platform " + platform + " (it has " + available + "); choose one with --platform");
  }
}

package dev.shrink.image;

import java.util.Map;

/** The media types of OCI and Docker v2 images, and the mapping between the two. */
public final class MediaTypes {
  public static final String OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
  public static final String OCI_INDEX = "application/vnd.oci.image.index.v1+json";
  public static final String OCI_CONFIG = "application/vnd.oci.image.config.v1+json";
  public static final String OCI_LAYER = "application/vnd.oci.image.layer.v1.tar";
  public static final String OCI_LAYER_GZIP = "application/vnd.oci.image.layer.v1.tar+gzip";
  public static final String OCI_LAYER_ZSTD = "application/vnd.oci.image.layer.v1.tar+zstd";

  public static final String DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json";
  public static final String DOCKER_LIST = "application/vnd.docker.distribution.manifest.list.v2+json";
  public static final String DOCKER_CONFIG = "application/vnd.docker.container.image.v1+json";
  public static final String DOCKER_LAYER = "application/vnd.docker.image.rootfs.diff.tar";
  public static final String DOCKER_LAYER_GZIP = "application/vnd.docker.image.rootfs.diff.tar.gzip";

  private static final Map<String, String> TO_DOCKER = Map.of(
      OCI_MANIFEST, DOCKER_MANIFEST,
      OCI_INDEX, DOCKER_LIST,
      OCI_CONFIG, DOCKER_CONFIG,
      OCI_LAYER, DOCKER_LAYER,
      OCI_LAYER_GZIP, DOCKER_LAYER_GZIP);
  private static final Map<String, String> TO_OCI = Map.of(
      DOCKER_MANIFEST, OCI_MANIFEST,
      DOCKER_LIST, OCI_INDEX,
      DOCKER_CONFIG, OCI_CONFIG,
      DOCKER_LAYER, OCI_LAYER,
      DOCKER_LAYER_GZIP, OCI_LAYER_GZIP);

  private MediaTypes() {}

  public static boolean isIndex(String type) {
    return OCI_INDEX.equals(type) || DOCKER_LIST.equals(type);
  }

  public static boolean isManifest(String type) {
    return OCI_MANIFEST.equals(type) || DOCKER_MANIFEST.equals(type);
  }

  /** The same kind of content in the other format; fails for what the format cannot express. */
  public static String convert(String type, ManifestFormat to) {
    Map<String, String> map = to == ManifestFormat.DOCKER ? TO_DOCKER : TO_OCI;
    if (map.containsValue(type)) {
      return type;
    }
    String converted = map.get(type);
    if (converted == null) {
      throw new ImageException("media type " + type + " has no " + to.label() + " equivalent"
          + (type.endsWith("zstd") ? " (zstd layers need --format oci)" : ""));
    }
    return converted;
  }
}

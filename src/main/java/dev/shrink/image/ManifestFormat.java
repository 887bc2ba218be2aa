package dev.shrink.image;

/** The two manifest formats shrink writes: OCI (default) and Docker v2 schema 2. */
public enum ManifestFormat {
  OCI("oci", MediaTypes.OCI_MANIFEST),
  DOCKER("docker", MediaTypes.DOCKER_MANIFEST);

  private final String label;
  private final String manifestType;

  ManifestFormat(String label, String manifestType) {
    this.label = label;
    this.manifestType = manifestType;
  }

  public String label() {
    return label;
  }

  public String manifestType() {
    return manifestType;
  }

  public static ManifestFormat of(String manifestMediaType) {
    return MediaTypes.DOCKER_MANIFEST.equals(manifestMediaType) ? DOCKER : OCI;
  }

  public static ManifestFormat parse(String text) {
    for (ManifestFormat f : values()) {
      if (f.label.equalsIgnoreCase(text)) {
        return f;
      }
    }
    throw new IllegalArgumentException("format must be 'oci' or 'docker', got '" + text + "'");
  }
}

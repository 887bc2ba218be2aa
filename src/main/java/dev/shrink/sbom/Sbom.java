package dev.shrink.sbom;

import java.util.Arrays;
import java.util.Locale;
import tools.jackson.databind.node.ObjectNode;

/** The SBOM formats shrink writes, named as syft's {@code -o} names them. */
public enum Sbom {
  CYCLONEDX_JSON("cyclonedx-json"),
  SPDX_JSON("spdx-json");

  private final String label;

  Sbom(String label) {
    this.label = label;
  }

  public String label() {
    return label;
  }

  /** The format a label names; an IllegalArgumentException listing the formats otherwise. */
  public static Sbom of(String label) {
    return Arrays.stream(values()).filter(f -> f.label.equals(label.toLowerCase(Locale.ROOT))).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("'" + label + "' is not an SBOM format: cyclonedx-json or spdx-json"));
  }

  /** The SBOM of {@code contents} in this format. */
  public ObjectNode write(Contents contents, Subject subject) {
    return this == CYCLONEDX_JSON ? CycloneDx.of(contents, subject) : Spdx.of(contents, subject);
  }
}

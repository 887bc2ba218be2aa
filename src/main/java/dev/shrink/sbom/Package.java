package dev.shrink.sbom;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;

/**
 * A package of the fat image: a Debian package (its dpkg stanza, its source package) or a Python
 * distribution; its licences, its package URL, and its files (image paths, no directories).
 */
public record Package(Type type, String name, String version, String architecture, String source, List<Licence> licences,
    String stanza, List<String> files) {
  /** Where a package comes from; the purl type. */
  public enum Type {
    DEB, PYPI;

    public String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  public Package {
    licences = List.copyOf(licences);
    files = List.copyOf(files);
  }

  /**
   * The package URL: {@code pkg:deb/debian/NAME@VERSION?arch=ARCH} (with {@code &upstream=SOURCE}
   * when the source package has another name), {@code pkg:pypi/NAME@VERSION} (the name lower case,
   * {@code _} as {@code -}); the version percent-encoded as the purl specification says.
   */
  public String purl() {
    if (type == Type.DEB) {
      return "pkg:deb/debian/" + encode(name) + "@" + encode(version) + "?arch=" + encode(architecture)
          + (source.equals(name) ? "" : "&upstream=" + encode(source));
    }
    return "pkg:pypi/" + encode(name.toLowerCase(Locale.ROOT).replaceAll("[-_.]+", "-")) + (version == null ? "" : "@" + encode(version));
  }

  /** A stable identifier within one SBOM: type, name and, for Debian, architecture. */
  public String key() {
    return type.label() + ":" + name + (architecture == null ? "" : ":" + architecture);
  }

  private static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20").replace("%7E", "~");
  }
}

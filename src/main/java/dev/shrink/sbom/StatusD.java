package dev.shrink.sbom;

import java.util.Collection;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The dpkg database distroless images carry: {@code /var/lib/dpkg/status.d/NAME} holding the
 * status stanza of each Debian package the image keeps, so that scanners reading dpkg's database
 * (trivy, syft, grype) still see what the image holds.
 */
public final class StatusD {
  public static final String DIR = Dpkg.STATUS_D;

  private StatusD() {}

  /** The stanza of each Debian package one of {@code kept} comes from, by the image path of its status.d file. */
  public static Map<String, String> entries(Inventory inventory, Collection<String> kept) {
    Map<String, Set<String>> stanzas = new TreeMap<>();
    for (String path : kept) {
      for (Package p : inventory.origin(path)) {
        if (p.type() == Package.Type.DEB) {
          stanzas.computeIfAbsent(DIR + "/" + p.name(), k -> new TreeSet<>()).add(p.stanza());
        }
      }
    }
    Map<String, String> out = new TreeMap<>();
    stanzas.forEach((file, s) -> out.put(file, String.join("\n", s)));
    return out;
  }
}

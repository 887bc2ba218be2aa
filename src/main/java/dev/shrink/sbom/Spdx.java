package dev.shrink.sbom;

import dev.shrink.json.Json;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * SPDX 2.3 JSON of what an image holds: a package for the image that CONTAINS a package per
 * package kept. A licence that is no SPDX expression becomes a {@code LicenseRef-} with its name.
 */
final class Spdx {
  private Spdx() {}

  static ObjectNode of(Contents contents, Subject subject) {
    ObjectNode doc = Json.object();
    doc.put("spdxVersion", "SPDX-2.3");
    doc.put("dataLicense", "CC0-1.0");
    doc.put("SPDXID", "SPDXRef-DOCUMENT");
    doc.put("name", subject.name());
    doc.put("documentNamespace", "https://spdx.org/spdxdocs/shrink/" + id(subject.name()) + "-" + subject.uuid());
    ObjectNode creation = doc.putObject("creationInfo");
    creation.put("created", subject.timestamp());
    creation.putArray("creators").add("Tool: shrink-" + subject.toolVersion());
    ArrayNode packages = doc.putArray("packages");
    ObjectNode image = packages.addObject();
    image.put("SPDXID", "SPDXRef-Image").put("name", subject.name()).put("versionInfo", subject.digest())
        .put("downloadLocation", "NOASSERTION").put("filesAnalyzed", false).put("primaryPackagePurpose", "CONTAINER");
    ArrayNode relationships = doc.putArray("relationships");
    relationships.addObject().put("spdxElementId", "SPDXRef-DOCUMENT").put("relationshipType", "DESCRIBES").put("relatedSpdxElement", "SPDXRef-Image");
    Map<String, String> refs = new LinkedHashMap<>();
    int n = 0;
    for (Contents.Kept k : contents.packages()) {
      Package p = k.pkg();
      String id = "SPDXRef-Package-" + p.type().label() + "-" + id(p.name()) + "-" + n++;
      ObjectNode o = packages.addObject();
      o.put("SPDXID", id).put("name", p.name());
      if (p.version() != null) {
        o.put("versionInfo", p.version());
      }
      o.put("downloadLocation", "NOASSERTION").put("filesAnalyzed", false);
      if (p.type() == Package.Type.DEB) {
        o.put("sourceInfo", "built from the Debian source package " + p.source());
      }
      o.put("licenseConcluded", "NOASSERTION");
      o.put("licenseDeclared", p.licences().isEmpty() ? "NOASSERTION" : declared(p.licences(), refs));
      o.put("copyrightText", "NOASSERTION");
      o.putArray("externalRefs").addObject().put("referenceCategory", "PACKAGE-MANAGER").put("referenceType", "purl")
          .put("referenceLocator", p.purl());
      relationships.addObject().put("spdxElementId", "SPDXRef-Image").put("relationshipType", "CONTAINS").put("relatedSpdxElement", id);
    }
    if (!refs.isEmpty()) {
      ArrayNode extracted = doc.putArray("hasExtractedLicensingInfos");
      refs.forEach((ref, name) -> extracted.addObject().put("licenseId", ref).put("name", name)
          .put("extractedText", "The licence the package names \"" + name + "\" (no SPDX identifier is known for it)."));
    }
    return doc;
  }

  /** The licences joined with AND, each name without an SPDX identifier as a LicenseRef recorded in {@code refs}. */
  private static String declared(List<Licence> licences, Map<String, String> refs) {
    return and(licences.stream().map(l -> {
      if (l.spdx()) {
        return l;
      }
      String ref = "LicenseRef-" + id(l.value());
      refs.putIfAbsent(ref, l.value());
      return new Licence(ref, true);
    }).toList());
  }

  /** SPDX expressions joined with AND, compound ones in parentheses. */
  static String and(List<Licence> licences) {
    if (licences.size() == 1) {
      return licences.get(0).value();
    }
    return String.join(" AND ", licences.stream().map(l -> l.value().contains(" ") ? "(" + l.value() + ")" : l.value()).toList());
  }

  /** Letters, digits, '.' and '-' only, as SPDX identifiers allow. */
  private static String id(String s) {
    return s.replaceAll("[^A-Za-z0-9.-]+", "-");
  }
}

package dev.shrink.sbom;

import dev.shrink.json.Json;
import java.util.List;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/** CycloneDX 1.6 JSON of what an image holds: the image as the subject, each package kept as a component. */
final class CycloneDx {
  private CycloneDx() {}

  static ObjectNode of(Contents contents, Subject subject) {
    ObjectNode bom = Json.object();
    bom.put("$schema", "http://cyclonedx.org/schema/bom-1.6.schema.json");
    bom.put("bomFormat", "CycloneDX");
    bom.put("specVersion", "1.6");
    bom.put("serialNumber", "urn:uuid:" + subject.uuid());
    bom.put("version", 1);
    ObjectNode metadata = bom.putObject("metadata");
    metadata.put("timestamp", subject.timestamp());
    metadata.putObject("tools").putArray("components").addObject().put("type", "application").put("name", "shrink")
        .put("version", subject.toolVersion());
    metadata.putObject("component").put("type", "container").put("bom-ref", "image").put("name", subject.name())
        .put("version", subject.digest());
    ArrayNode components = bom.putArray("components");
    ArrayNode refs = bom.putArray("dependencies").addObject().put("ref", "image").putArray("dependsOn");
    for (Contents.Kept k : contents.packages()) {
      Package p = k.pkg();
      ObjectNode c = components.addObject();
      c.put("type", "library").put("bom-ref", p.purl()).put("name", p.name());
      if (p.version() != null) {
        c.put("version", p.version());
      }
      licences(c, p.licences());
      c.put("purl", p.purl());
      ArrayNode properties = c.putArray("properties");
      properties.addObject().put("name", "shrink:files").put("value", Long.toString(k.files()));
      properties.addObject().put("name", "shrink:bytes").put("value", Long.toString(k.bytes()));
      if (p.type() == Package.Type.DEB) {
        properties.addObject().put("name", "shrink:deb:source").put("value", p.source());
      }
      refs.add(p.purl());
    }
    return bom;
  }

  /** One expression when every licence is SPDX; else each licence by name (the schema allows no mix). */
  private static void licences(ObjectNode component, List<Licence> licences) {
    if (licences.isEmpty()) {
      return;
    }
    ArrayNode out = component.putArray("licenses");
    if (licences.stream().allMatch(Licence::spdx)) {
      out.addObject().put("expression", Spdx.and(licences));
    } else {
      licences.forEach(l -> out.addObject().putObject("license").put("name", l.value()));
    }
  }
}

package dev.shrink.sbom;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shrink.json.Json;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/** SBOMs of a real inventory (this machine's, see {@link InventoryTest}) validated against the official schemas. */
class SbomTest {
  private static final Subject SUBJECT = new Subject("docker-archive:falcon.tar:falcon:small",
      "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", 1_700_000_000L, "0.1.0-SNAPSHOT");

  /** What a Falcon image keeps of this machine: libc, the interpreter, falcon's and gunicorn's modules (one as sourceless bytecode). */
  private static Contents contents;

  static synchronized Contents contents() throws Exception {
    if (contents != null) {
      return contents;
    }
    InventoryTest.read();
    List<OutputFile> out = new ArrayList<>();
    for (String f : List.of("/usr/lib/x86_64-linux-gnu/libc.so.6", "/usr/bin/python3.11", "/usr/lib/python3/dist-packages/falcon/app.py",
        "/usr/lib/python3/dist-packages/gunicorn/app/base.pyc", "/usr/lib/python3.11/email/parser.pyc")) {
      out.add(new OutputFile(f, 100, 0644));
    }
    contents = Contents.of(InventoryTest.inventory, out, null);
    return contents;
  }

  @Test
  void cycloneDxValidatesAndListsWhatIsKept() throws Exception {
    ObjectNode bom = Sbom.CYCLONEDX_JSON.write(contents(), SUBJECT);
    SchemaValidation.assertValid(SchemaValidation.CYCLONEDX_1_6, bom);
    assertThat(bom.path("serialNumber").asString()).startsWith("urn:uuid:");
    assertThat(bom.path("metadata").path("timestamp").asString()).isEqualTo("2023-11-14T22:13:20Z");
    List<String> components = bom.path("components").valueStream().map(c -> c.path("name").asString() + "@" + c.path("version").asString())
        .toList();
    assertThat(components).contains("libc6@" + InventoryTest.find(Package.Type.DEB, "libc6").version(),
        "falcon@" + InventoryTest.find(Package.Type.PYPI, "falcon").version(),
        "gunicorn@" + InventoryTest.find(Package.Type.PYPI, "gunicorn").version(), "python3-gunicorn@"
            + InventoryTest.find(Package.Type.DEB, "python3-gunicorn").version(),
        "python3.11-minimal@" + InventoryTest.find(Package.Type.DEB, "python3.11-minimal").version(),
        "libpython3.11-minimal@" + InventoryTest.find(Package.Type.DEB, "libpython3.11-minimal").version());
    JsonNode falcon = bom.path("components").valueStream().filter(c -> c.path("name").asString().equals("python3-falcon")).findFirst()
        .orElseThrow();
    assertThat(falcon.path("licenses").get(0).path("expression").asString()).isEqualTo("Apache-2.0");
    assertThat(falcon.path("purl").asString()).startsWith("pkg:deb/debian/python3-falcon@").endsWith("?arch=amd64&upstream=python-falcon");
  }

  @Test
  void spdxValidatesAndNamesUnknownLicencesAsLicenseRefs() throws Exception {
    ObjectNode doc = Sbom.SPDX_JSON.write(contents(), SUBJECT);
    SchemaValidation.assertValid(SchemaValidation.SPDX_2_3, doc);
    List<String> names = doc.path("packages").valueStream().map(p -> p.path("name").asString()).toList();
    assertThat(names).contains(SUBJECT.name(), "libc6", "falcon", "gunicorn", "python3.11-minimal");
    assertThat(doc.path("relationships").valueStream().filter(r -> r.path("relationshipType").asString().equals("CONTAINS")))
        .hasSize(names.size() - 1);
    // libc6's copyright file is not machine-readable: no licence is claimed for it
    JsonNode libc = doc.path("packages").valueStream().filter(p -> p.path("name").asString().equals("libc6")).findFirst().orElseThrow();
    assertThat(libc.path("licenseDeclared").asString()).isEqualTo("NOASSERTION");
    for (JsonNode p : doc.path("packages")) {
      for (String ref : p.path("licenseDeclared").asString().split("[ ()]+")) {
        if (ref.startsWith("LicenseRef-")) {
          assertThat(doc.path("hasExtractedLicensingInfos").valueStream().map(x -> x.path("licenseId").asString())).contains(ref);
        }
      }
    }
  }

  @Test
  void theSameImageGivesTheSameBytes() throws Exception {
    for (Sbom format : Sbom.values()) {
      assertThat(Json.bytes(format.write(contents(), SUBJECT))).isEqualTo(Json.bytes(format.write(contents(), SUBJECT)));
    }
    Subject other = new Subject(SUBJECT.name(), SUBJECT.digest().replace('0', 'f'), SUBJECT.epoch(), SUBJECT.toolVersion());
    assertThat(other.uuid()).isNotEqualTo(SUBJECT.uuid());
  }

  @Test
  void theValidatorRejectsWhatBreaksTheSchemas() throws Exception {
    ObjectNode bom = Sbom.CYCLONEDX_JSON.write(contents(), SUBJECT);
    bom.put("specVersion", "1.6");
    ((ObjectNode) bom.path("components").get(0)).put("type", "not-a-type");
    assertThat(SchemaValidation.errors(SchemaValidation.CYCLONEDX_1_6, bom)).isNotEmpty();
    ObjectNode doc = Sbom.SPDX_JSON.write(contents(), SUBJECT);
    doc.remove("SPDXID");
    assertThat(SchemaValidation.errors(SchemaValidation.SPDX_2_3, doc)).isNotEmpty();
  }

  @Test
  void formatsAreNamedAsSyftNamesThem() {
    assertThat(Sbom.of("cyclonedx-json")).isEqualTo(Sbom.CYCLONEDX_JSON);
    assertThat(Sbom.of("spdx-json")).isEqualTo(Sbom.SPDX_JSON);
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> Sbom.of("xml")).hasMessageContaining("cyclonedx-json or spdx-json");
  }
}

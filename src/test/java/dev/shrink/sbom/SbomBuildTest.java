package dev.shrink.sbom;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shrink.json.Json;
import dev.shrink.testing.Cli;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * {@code shrink build --sbom} of the bundled example on this machine (no engine): the SBOM lists
 * this machine's packages the image keeps, with the versions dpkg-query gives, and validates; the
 * report claims no fat image's surface (there is none).
 */
class SbomBuildTest {
  @TempDir Path tmp;

  @Test
  void buildsSbomListsThisMachinesPackages() throws Exception {
    Path cdx = tmp.resolve("cdx.json");
    Path report = tmp.resolve("report.json");
    Cli.Run run = Cli.run("build", "docker-archive:" + tmp.resolve("hello.tar") + ":hello:sbom", "--app",
        Path.of(System.getProperty("shrink.project.dir", ""), "examples/hello-api").toAbsolutePath().toString(), "--report", report.toString(), "--sbom", "cyclonedx-json=" + cdx,
        "--", "/usr/bin/python3", "server.py");
    assertThat(run.exit()).as(run.err()).isZero();
    JsonNode bom = Json.MAPPER.readTree(Files.readAllBytes(cdx));
    SchemaValidation.assertValid(SchemaValidation.CYCLONEDX_1_6, bom);
    List<String> components = bom.path("components").valueStream().map(c -> c.path("name").asString() + "@" + c.path("version").asString())
        .toList();
    for (String deb : List.of("libc6", "python3.11-minimal", "libpython3.11-minimal")) {
      assertThat(components).contains(deb + "@" + InventoryTest.run("dpkg-query", "-W", "-f=${Version}", deb));
    }
    assertThat(components).noneMatch(c -> c.startsWith("falcon@") || c.startsWith("gunicorn@")); // the example imports neither
    JsonNode r = Json.MAPPER.readTree(Files.readAllBytes(report));
    assertThat(r.path("removed").path("surface").path("shells").has("fat")).isFalse();
    assertThat(r.path("removed").path("surface").path("shells").path("output").asInt()).isZero();
  }
}

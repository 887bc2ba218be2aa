package dev.shrink.sbom;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shrink.json.Json;
import dev.shrink.testing.Cli;
import dev.shrink.testing.Fixtures;
import dev.shrink.testing.Podman;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import tools.jackson.databind.JsonNode;

/**
 * {@code shrink minify --sbom} on the Falcon and Flask fixtures: both SBOMs validate against the
 * official schemas and list the interpreter's Debian packages (source python3.11), libc6, the
 * framework and gunicorn with the versions the fat image's own dpkg-query and importlib.metadata
 * give; the output carries status.d entries for exactly the Debian packages it keeps; the report
 * says what surface went.
 */
class SbomFixturesTest {
  @TempDir Path tmp;

  @ParameterizedTest
  @CsvSource({"falcon, python3-falcon, falcon", "flask, python3-flask, flask"})
  void sbomsOfAShrunkFixture(String fixture, String deb, String dist) throws Exception {
    String fat = Fixtures.image(fixture);
    Path cdx = tmp.resolve("cdx.json");
    Path spdx = tmp.resolve("spdx.json");
    Path report = tmp.resolve("report.json");
    Path archive = tmp.resolve("small.tar");
    Cli.Run run = Cli.run("minify", "containers-storage:" + fat, "docker-archive:" + archive + ":" + fixture + ":small", "--no-probe",
        "--report", report.toString(), "--sbom", "cyclonedx-json=" + cdx, "--sbom", "spdx-json=" + spdx);
    assertThat(run.exit()).as(run.err()).isZero();

    Map<String, String> debVersions = new TreeMap<>();
    String query = Podman.run("run", "--rm", "--entrypoint", "dpkg-query", fat, "-W", "-f=${Package} ${Version}\\n", "libc6",
        "python3.11-minimal", "libpython3.11-minimal", deb, "python3-gunicorn").orThrow().stdout();
    query.lines().forEach(l -> debVersions.put(l.split(" ")[0], l.split(" ")[1]));
    String[] py = Podman.run("run", "--rm", "--entrypoint", "python3", fat, "-c", "import importlib.metadata as m\n"
        + "for n in ('" + dist + "', 'gunicorn'):\n  d = m.distribution(n); print(d.metadata['Name'] + '@' + d.version)").orThrow().stdout()
        .strip().split("\n");

    JsonNode bom = Json.MAPPER.readTree(Files.readAllBytes(cdx));
    SchemaValidation.assertValid(SchemaValidation.CYCLONEDX_1_6, bom);
    List<String> components = bom.path("components").valueStream().map(c -> c.path("name").asString() + "@" + c.path("version").asString())
        .toList();
    debVersions.forEach((name, version) -> assertThat(components).contains(name + "@" + version));
    assertThat(components).contains(py);
    assertThat(bom.path("components").valueStream().map(c -> c.path("purl").asString()))
        .contains("pkg:deb/debian/python3.11-minimal@" + debVersions.get("python3.11-minimal").replace("+", "%2B")
            + "?arch=amd64&upstream=python3.11");

    JsonNode doc = Json.MAPPER.readTree(Files.readAllBytes(spdx));
    SchemaValidation.assertValid(SchemaValidation.SPDX_2_3, doc);
    List<String> packages = doc.path("packages").valueStream().map(p -> p.path("name").asString() + "@" + p.path("versionInfo").asString())
        .toList();
    debVersions.forEach((name, version) -> assertThat(packages).contains(name + "@" + version));
    assertThat(packages).contains(py);

    // the report: the same packages, and the surface the fat image had and the output has not
    JsonNode r = Json.MAPPER.readTree(Files.readAllBytes(report));
    List<String> reported = r.path("packages").valueStream().filter(p -> p.path("type").asString().equals("deb"))
        .map(p -> p.path("name").asString()).sorted().toList();
    assertThat(reported).containsAll(debVersions.keySet());
    assertThat(r.path("packages").valueStream()).allSatisfy(p -> {
      assertThat(p.path("files").asLong()).isPositive();
      assertThat(p.path("bytes").asLong()).isLessThanOrEqualTo(p.path("fatBytes").asLong() * 2);
    });
    for (String kind : List.of("shells", "packageManagers")) {
      assertThat(r.path("removed").path("surface").path(kind).path("fat").asInt()).as(kind).isPositive();
      assertThat(r.path("removed").path("surface").path(kind).path("output").asInt()).as(kind).isZero();
    }
    assertThat(r.path("removed").path("debianPackages").valueStream().map(JsonNode::asString)).contains("apt", "dpkg");

    // status.d in the image: one entry per Debian package kept, its dpkg stanza
    Path root = tmp.resolve("root");
    Cli.Run unpack = Cli.run("unpack", "docker-archive:" + archive, root.toString());
    assertThat(unpack.exit()).as(unpack.err()).isZero();
    Path statusD = root.resolve("var/lib/dpkg/status.d");
    try (Stream<Path> files = Files.list(statusD)) {
      assertThat(files.map(f -> f.getFileName().toString()).sorted().toList()).containsExactlyElementsOf(reported);
    }
    assertThat(Files.readString(statusD.resolve("libc6"))).startsWith("Package: libc6\n").contains("Version: " + debVersions.get("libc6") + "\n");
  }
}

package dev.shrink.transport;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shrink.cli.Main;
import dev.shrink.image.Digest;
import dev.shrink.json.Json;
import dev.shrink.testing.Fixtures;
import dev.shrink.testing.LocalRegistry;
import dev.shrink.testing.NeedsEngine;
import dev.shrink.testing.Podman;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * shrink copy between podman's store and the file transports, judged by independent tools:
 * skopeo reads what shrink wrote, podman loads and runs it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@NeedsEngine
class TransportRoundTripTest {
  static final String FIXTURE = "yaml-sqlite";

  @TempDir Path tmp;
  String source;
  String expected;

  @BeforeAll
  void fixture() {
    source = "containers-storage:" + Fixtures.image(FIXTURE);
    expected = Fixtures.expected(FIXTURE, "default");
  }

  static void copy(String from, String to) {
    assertThat(Main.run("copy", from, to)).as("shrink copy %s %s", from, to).isZero();
  }

  static JsonNode skopeo(String... args) {
    List<String> cmd = new java.util.ArrayList<>(List.of("skopeo"));
    cmd.addAll(List.of(args));
    try {
      Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
      byte[] out = p.getInputStream().readAllBytes();
      assertThat(p.waitFor()).as(String.join(" ", cmd)).isZero();
      return Json.MAPPER.readTree(out);
    } catch (IOException | InterruptedException e) {
      throw new AssertionError(e);
    }
  }

  void assertRuns(String image) {
    Podman.Result r = Podman.run("run", "--rm", "--read-only", image).orThrow();
    assertThat(r.stdout()).isEqualTo(expected);
  }

  /** skopeo sees the layers and config that the manifest shrink wrote names. */
  static void assertSkopeoAgrees(String ref, Path manifestFile) throws IOException {
    JsonNode raw = skopeo("inspect", "--raw", ref);
    JsonNode ours = Json.MAPPER.readTree(Files.readAllBytes(manifestFile));
    assertThat(raw).isEqualTo(ours);
    JsonNode inspect = skopeo("inspect", ref);
    List<String> layers = inspect.path("Layers").values().stream().map(JsonNode::asString).toList();
    assertThat(layers).isEqualTo(ours.path("layers").values().stream().map(l -> l.path("digest").asString()).toList());
    byte[] config = Json.MAPPER.writeValueAsBytes(skopeo("inspect", "--config", "--raw", ref));
    assertThat(Json.MAPPER.readTree(config).path("rootfs")).isNotEmpty();
  }

  static Path manifestOf(Path layout, String tag) throws IOException {
    JsonNode index = Json.MAPPER.readTree(Files.readAllBytes(layout.resolve("index.json")));
    for (JsonNode m : index.path("manifests").values()) {
      if (tag.equals(m.path("annotations").path("org.opencontainers.image.ref.name").asString())) {
        return layout.resolve("blobs/sha256/" + Digest.hex(m.path("digest").asString()));
      }
    }
    throw new AssertionError("no " + tag + " in " + layout);
  }

  @Test
  void ociDirectoryRoundTripIsReproducibleAndReadBySkopeoAndPodman() throws IOException {
    Path one = tmp.resolve("one");
    Path two = tmp.resolve("two");
    copy(source, "oci:" + one + ":v1");
    copy(source, "oci:" + two + ":v1");
    Path m1 = manifestOf(one, "v1");
    Path m2 = manifestOf(two, "v1");
    assertThat(Files.readAllBytes(m1)).isEqualTo(Files.readAllBytes(m2));
    JsonNode manifest = Json.MAPPER.readTree(Files.readAllBytes(m1));
    Path config = one.resolve("blobs/sha256/" + Digest.hex(manifest.path("config").path("digest").asString()));
    assertThat(Files.readAllBytes(config)).isEqualTo(Files.readAllBytes(two.resolve(one.relativize(config))));
    assertThat(manifest.path("layers").values()).allSatisfy(l ->
        assertThat(l.path("mediaType").asString()).isEqualTo("application/vnd.oci.image.layer.v1.tar+gzip"));
    assertSkopeoAgrees("oci:" + one + ":v1", m1);

    copy("oci:" + one + ":v1", "containers-storage:shrink-test/roundtrip:oci");
    assertRuns("localhost/shrink-test/roundtrip:oci");
  }

  @Test
  void dockerArchiveIsLoadedByPodmanAndReadBySkopeo() throws IOException {
    Path archive = tmp.resolve("app.tar");
    copy(source, "docker-archive:" + archive + ":localhost/shrink-test/roundtrip:archive");
    JsonNode inspect = skopeo("inspect", "docker-archive:" + archive);
    assertThat(inspect.path("Layers")).hasSize(2);
    Podman.Result loaded = Podman.run("load", "-i", archive.toString()).orThrow();
    assertThat(loaded.stdout() + loaded.stderr()).contains("localhost/shrink-test/roundtrip:archive");
    assertRuns("localhost/shrink-test/roundtrip:archive");
    // the archive is an OCI layout too (the Docker 25 shape)
    JsonNode viaOci = skopeo("inspect", "oci-archive:" + archive);
    assertThat(viaOci.path("Layers")).isEqualTo(inspect.path("Layers"));
  }

  @Test
  void ociArchiveRoundTripKeepsTheImage() throws IOException {
    Path archive = tmp.resolve("app-oci.tar");
    Path back = tmp.resolve("back.tar");
    copy(source, "oci-archive:" + archive + ":v2");
    JsonNode inspect = skopeo("inspect", "oci-archive:" + archive + ":v2");
    assertThat(inspect.path("Layers")).hasSize(2);
    copy("oci-archive:" + archive + ":v2", "docker-archive:" + back);
    copy("docker-archive:" + back, "containers-storage:shrink-test/roundtrip:ociarchive");
    assertRuns("localhost/shrink-test/roundtrip:ociarchive");
    JsonNode again = skopeo("inspect", "containers-storage:localhost/shrink-test/roundtrip:ociarchive");
    assertThat(again.path("Layers")).hasSize(2);
  }

  @Test
  void registryWithAuthRoundTripIsReadBySkopeoAndRunByPodman() throws IOException {
    org.junit.jupiter.api.Assumptions.assumeTrue(LocalRegistry.available(), "docker-registry is not installed");
    try (LocalRegistry registry = LocalRegistry.startWithBasicAuth("shrink", "s3cret")) {
      String ref = "docker://" + registry.host() + "/roundtrip/app:1";
      assertThat(Main.run("copy", "--tls-verify=false", source, ref)).as("push without credentials").isEqualTo(1);
      assertThat(Main.run("copy", "--tls-verify=false", "--creds", "shrink:s3cret", source, ref)).isZero();
      JsonNode inspect = skopeo("inspect", "--tls-verify=false", "--creds", "shrink:s3cret", ref);
      assertThat(inspect.path("Layers")).hasSize(2);
      Path layout = tmp.resolve("from-registry");
      assertThat(Main.run("copy", "--tls-verify=false", "--creds", "shrink:s3cret", ref, "oci:" + layout + ":1")).isZero();
      JsonNode raw = skopeo("inspect", "--raw", "--tls-verify=false", "--creds", "shrink:s3cret", ref);
      assertThat(Json.MAPPER.readTree(Files.readAllBytes(manifestOf(layout, "1")))).as("same manifest, same digest").isEqualTo(raw);
      assertThat(Main.run("copy", "--tls-verify=false", "--creds", "shrink:s3cret", ref, "containers-storage:shrink-test/roundtrip:registry")).isZero();
      assertRuns("localhost/shrink-test/roundtrip:registry");
    }
  }
}

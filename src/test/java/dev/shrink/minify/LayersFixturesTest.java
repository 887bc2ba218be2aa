package dev.shrink.minify;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shrink.cli.Main;
import dev.shrink.image.Descriptor;
import dev.shrink.image.Image;
import dev.shrink.image.MediaTypes;
import dev.shrink.json.Json;
import dev.shrink.testing.Fixtures;
import dev.shrink.testing.LocalRegistry;
import dev.shrink.testing.NeedsEngine;
import dev.shrink.testing.Podman.Container;
import dev.shrink.testing.Podman;
import dev.shrink.transport.ImageReference;
import dev.shrink.transport.TransportOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * The output's layers on the Falcon fixture: runtime, dependencies and app, so a one-line app
 * change gives a new app layer only (and a push uploads only that); zstd layers load in podman.
 */
@NeedsEngine
class LayersFixturesTest {
  @TempDir Path tmp;

  JsonNode minify(String source, String destination, String... options) throws Exception {
    Path report = tmp.resolve("report-" + System.nanoTime() + ".json");
    List<String> args = new ArrayList<>(List.of("minify", source, destination, "--report", report.toString(), "--no-verify"));
    args.addAll(List.of(options));
    assertThat(Main.run(args.toArray(String[]::new))).as("shrink %s", args).isZero();
    return Json.MAPPER.readTree(Files.readAllBytes(report));
  }

  static List<String> layers(JsonNode report, String field) {
    return report.path("after").path("layers").values().stream().map(l -> l.path(field).asString()).toList();
  }

  @Test
  void aOneLineAppChangeChangesOnlyTheAppLayerAndItsPushUploadsOnlyThat() throws Exception {
    String fat = Fixtures.image("falcon");
    Path context = Files.createDirectories(tmp.resolve("context"));
    String app = Files.readString(Fixtures.dir("falcon").resolve("app/app.py"));
    assertThat(app).contains("lower, higher = 0, 100");
    Files.writeString(context.resolve("app.py"), app.replace("lower, higher = 0, 100", "lower, higher = 0, 10"));
    Files.writeString(context.resolve("Containerfile"), "FROM " + fat + "\nCOPY app.py /app/app.py\n");
    String changed = "localhost/layers-test/falcon-changed:latest";
    Podman.run("build", "-t", changed, "-f", context.resolve("Containerfile").toString(), context.toString()).orThrow();
    try (LocalRegistry registry = LocalRegistry.start()) {
      String repo = "docker://" + registry.host() + "/layers-test/falcon";
      JsonNode first = minify("containers-storage:" + fat, repo + ":1", "--tls-verify=false");
      assertThat(layers(first, "name")).containsExactly("runtime", "dependencies", "app");
      int before = uploads(registry);
      JsonNode second = minify("containers-storage:" + changed, repo + ":2", "--tls-verify=false");
      List<String> a = layers(first, "digest");
      List<String> b = layers(second, "digest");
      assertThat(b.subList(0, 2)).as("runtime and dependencies").isEqualTo(a.subList(0, 2));
      assertThat(b.get(2)).as("app").isNotEqualTo(a.get(2));
      assertThat(uploads(registry) - before).as("blobs uploaded by the second push: the app layer and the config").isEqualTo(2);

      String pulled = registry.host() + "/layers-test/falcon:2";
      Podman.run("pull", "--tls-verify=false", pulled).orThrow();
      try (Container small = Podman.startDetached(pulled, 8000, "--read-only")) {
        small.awaitHttp("/number", MinifyFixturesTest.STARTUP);
        JsonNode answer = Json.MAPPER.readTree(small.get("/number").body());
        assertThat(answer.path("higherLimit").asInt()).isEqualTo(10);
      } finally {
        Podman.rmi(pulled);
      }
    } finally {
      Podman.rmi(changed);
    }
  }

  @Test
  void zstdLayersLoadInPodmanAndRun() throws Exception {
    Path archive = tmp.resolve("falcon-zstd.tar");
    JsonNode report = minify("containers-storage:" + Fixtures.image("falcon"), "oci-archive:" + archive + ":layers-test/falcon:zstd",
        "--compression", "zstd");
    try (Image image = ImageReference.parse("oci-archive:" + archive).read(TransportOptions.defaults())) {
      assertThat(image.layers()).hasSize(3).extracting(Descriptor::mediaType).containsOnly(MediaTypes.OCI_LAYER_ZSTD);
      for (Descriptor layer : image.layers()) {
        try (var in = image.open(layer)) {
          byte[] magic = in.readNBytes(4);
          assertThat(magic).containsExactly(0x28, 0xb5, 0x2f, 0xfd);
        }
      }
    }
    assertThat(report.path("after").path("compressedLayers").asLong()).isPositive();
    assertThat(report.path("files").values()).as("zstd compresses loose bytecode better: no stdlib zip by default")
        .noneMatch(f -> f.path("path").asString().endsWith(".zip"))
        .anyMatch(f -> f.path("path").asString().equals("/usr/lib/python3.11/json/__init__.pyc"));
    String loaded = Podman.run("load", "-i", archive.toString()).orThrow().stdout();
    String image = loaded.substring(loaded.indexOf("Loaded image: ") + "Loaded image: ".length()).strip();
    try (Container small = Podman.startDetached(image, 8000, "--read-only")) {
      small.awaitHttp("/number", MinifyFixturesTest.STARTUP);
      assertThat(small.get("/number").status()).isEqualTo(200);
    } finally {
      Podman.rmi(image);
    }
  }

  /** Blob uploads the registry finished (the PUT that closes an upload session). */
  private static int uploads(LocalRegistry registry) throws Exception {
    return (int) registry.requests().stream()
        .filter(r -> r.method().equals("PUT") && r.path().contains("/blobs/uploads/") && r.status() == 201).count();
  }
}

package dev.shrink.transport.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.shrink.cli.Main;
import dev.shrink.engine.Engine;
import dev.shrink.image.Descriptor;
import dev.shrink.image.Digest;
import dev.shrink.image.Image;
import dev.shrink.testing.Fixtures;
import dev.shrink.testing.NeedsEngine;
import dev.shrink.testing.Podman;
import dev.shrink.transport.TransportOptions;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** An image read from podman's store where it lies is the image {@code podman save} gives, byte for byte. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@NeedsEngine
class StoredImageTest {
  private static final String FIXTURE = "yaml-sqlite";

  @TempDir Path tmp;
  String spec;

  @BeforeAll
  void fixture() {
    Podman.assumeAvailable();
    assumeTrue(System.getProperty("user.name").equals("root") || System.getenv("CI") != null, "podman's store is root's");
    spec = Fixtures.image(FIXTURE);
  }

  private Image stored() throws IOException {
    return StoredImage.read(Engine.podman(), spec, "containers-storage:" + spec, () -> {
      throw new AssertionError("podman save was run");
    }).orElseThrow(() -> new AssertionError("the store was not read"));
  }

  @Test
  void theConfigAndManifestAreThoseOfPodmanSave() throws IOException {
    TransportOptions options = TransportOptions.builder().tempDir(tmp).build();
    try (Image stored = stored(); Image saved = new EngineTransport.ContainersStorage().saved(spec, options)) {
      assertThat(stored.configBytes()).isEqualTo(saved.configBytes());
      assertThat(stored.manifest()).isEqualTo(saved.manifest());
      assertThat(stored.layers()).hasSizeGreaterThan(1);
    }
  }

  /** Every layer put back together from the store reads to its end: its sha256 and size are those of its diff_id (Image.open checks). */
  @Test
  void theLayersAreTheTarsTheDiffIdsName() throws IOException {
    try (Image stored = stored()) {
      for (Descriptor layer : stored.layers()) {
        try (InputStream in = stored.open(layer)) {
          assertThat(Digest.of(in)).isEqualTo(layer.digest());
        }
      }
      assertThat(stored.layers().stream().map(Descriptor::digest).toList()).isEqualTo(stored.config().diffIds());
    }
  }

  @Test
  void minifyFromTheStoreWritesWhatMinifyFromTheSavedArchiveWrites() throws IOException {
    Path saved = tmp.resolve("saved.tar");
    Podman.run("save", "--format", "docker-archive", "-o", saved.toString(), spec).orThrow();
    for (String source : new String[] {"containers-storage:" + spec, "docker-archive:" + saved}) {
      String out = "oci:" + tmp.resolve(source.startsWith("docker") ? "from-archive" : "from-store") + ":x";
      assertThat(Main.run("minify", source, out, "--no-probe", "--no-verify", "--quiet")).as(source).isZero();
    }
    assertThat(Files.readString(tmp.resolve("from-store/index.json"))).isEqualTo(Files.readString(tmp.resolve("from-archive/index.json")));
  }
}

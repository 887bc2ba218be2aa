package dev.shrink.inspect;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shrink.image.Image;
import dev.shrink.testing.NeedsEngine;
import dev.shrink.transport.ImageReference;
import dev.shrink.transport.TransportOptions;
import dev.shrink.testing.Fixtures;
import dev.shrink.testing.Podman;
import org.junit.jupiter.api.Test;

/** inspect's sizes agree with podman's own accounting of the Falcon fixture. */
@NeedsEngine
class InspectFixtureTest {
  @Test
  void sizesAndConfigMatchPodman() throws Exception {
    String name = Fixtures.image("falcon");
    long podmanSize = Long.parseLong(Podman.run("image", "inspect", "--format", "{{.Size}}", name).orThrow().stdout().strip());
    String podmanLayers = Podman.run("image", "inspect", "--format", "{{len .RootFS.Layers}}", name).orThrow().stdout().strip();
    String entrypoint = Podman.run("image", "inspect", "--format", "{{json .Config.Entrypoint}}", name).orThrow().stdout().strip();
    ImageSummary s;
    try (Image image = ImageReference.parse("containers-storage:" + name).read(TransportOptions.defaults())) {
      s = ImageSummary.of(image, 20);
    }
    assertThat(s.layers()).hasSize(Integer.parseInt(podmanLayers));
    // podman counts the layers' tar streams plus the config and manifest documents (a few kB)
    assertThat(s.uncompressedSize()).isBetween(podmanSize - 16_384, podmanSize);
    assertThat(s.config().entrypoint()).containsExactly("gunicorn", "-b", "0.0.0.0:8000", "app:api");
    assertThat(entrypoint).isEqualTo("[\"gunicorn\",\"-b\",\"0.0.0.0:8000\",\"app:api\"]");
    assertThat(s.largest()).hasSize(20).first().satisfies(f -> assertThat(f.path()).isEqualTo("/usr/bin/python3.11"));
    assertThat(s.largest()).isSortedAccordingTo((a, b) -> Long.compare(b.size(), a.size()));
    assertThat(s.fileCount()).isGreaterThan(5000);
  }
}

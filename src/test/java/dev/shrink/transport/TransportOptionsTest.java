package dev.shrink.transport;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shrink.image.ManifestFormat;
import dev.shrink.image.Platform;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The transport options: defaults, named setters, and a builder that keeps what it is not told to change. */
class TransportOptionsTest {
  @Test
  void defaultsAndNamedSettersGroupTheRegistryAccess() {
    TransportOptions d = TransportOptions.defaults();
    assertThat(d).isEqualTo(new TransportOptions(Platform.LINUX_AMD64, ManifestFormat.OCI, new TransportOptions.Registry(null, true, null),
        Path.of(System.getProperty("java.io.tmpdir")), false));

    TransportOptions set = TransportOptions.builder().platform(Platform.parse("linux/arm64")).format(ManifestFormat.DOCKER).creds("u:p")
        .tlsVerify(false).authFile(Path.of("/x/config.json")).tempDir(Path.of("/var/tmp")).overwrite(true).build();
    assertThat(set.registry()).isEqualTo(new TransportOptions.Registry("u:p", false, Path.of("/x/config.json")));
    assertThat(set.toBuilder().build()).isEqualTo(set);
    assertThat(set.toBuilder().creds(null).build()).isEqualTo(new TransportOptions(set.platform(), set.format(),
        new TransportOptions.Registry(null, false, Path.of("/x/config.json")), set.tempDir(), true));
  }
}

package dev.shrink.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.shrink.image.Descriptor;
import dev.shrink.image.Digest;
import dev.shrink.image.Image;
import dev.shrink.layer.Compression;
import dev.shrink.testing.NeedsEngine;
import dev.shrink.testing.Podman;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code copy containers-storage:} reads podman's store where it lies, and falls back to podman save
 * where the store cannot be read exactly, with the same image as the result. Each case has a store of
 * its own ({@code CONTAINERS_STORAGE_CONF}), loaded with a small image.
 */
@NeedsEngine
class StoreFallbackTest {
  private static final String NAME = "localhost/shrink-test/store:v1";

  @TempDir Path tmp;
  Map<String, String> env;

  @BeforeEach
  void root() {
    Podman.assumeAvailable();
    assumeTrue(System.getProperty("user.name").equals("root") || System.getenv("CI") != null, "podman's store is root's");
  }

  /** A store of the test's own with {@code driver}, holding {@link #NAME}: two layers, the second with {@code names}. */
  private List<String> store(String driver, List<byte[]> names) throws IOException, InterruptedException {
    Path conf = tmp.resolve("storage.conf");
    Files.writeString(conf, "[storage]\ndriver = \"" + driver + "\"\ngraphroot = \"" + tmp.resolve("graph") + "\"\nrunroot = \""
        + tmp.resolve("run") + "\"\n");
    env = Map.of("CONTAINERS_STORAGE_CONF", conf.toString());
    List<RawImage.Layer> layers = List.of(RawImage.tarLayer(RawImage.tar(Map.of("etc/", "", "etc/os-release", "ID=test\n",
        "big", "x".repeat(300_000)))), RawImage.tarLayer(tar(names)));
    Path archive = tmp.resolve("image.tar");
    RawImage.writeDockerArchive(archive, NAME, layers);
    assertThat(podman("load", "-i", archive.toString())).isZero();
    return layers.stream().map(RawImage.Layer::diffId).toList();
  }

  /** A tar whose file names are these bytes (not necessarily UTF-8), each file holding its name. */
  private static byte[] tar(List<byte[]> names) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (TarArchiveOutputStream tar = new TarArchiveOutputStream(bytes, "ISO-8859-1")) {
      for (byte[] name : names) {
        TarArchiveEntry e = new TarArchiveEntry(new String(name, StandardCharsets.ISO_8859_1), TarConstants.LF_NORMAL, true);
        e.setMode(0100644);
        e.setSize(name.length);
        tar.putArchiveEntry(e);
        tar.write(name);
        tar.closeArchiveEntry();
      }
    }
    return bytes.toByteArray();
  }

  private int podman(String... args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of("podman"));
    cmd.addAll(List.of(args));
    ProcessBuilder b = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(tmp.resolve("podman.log").toFile());
    b.environment().put("CONTAINERS_CONF", Podman.containersConf().toString());
    b.environment().putAll(env);
    Process p = b.start();
    assertThat(p.waitFor(5, TimeUnit.MINUTES)).isTrue();
    return p.exitValue();
  }

  /** Copies the image to an OCI layout; returns shrink's output and checks every layer of the copy against the diff_ids. */
  private String copy(List<String> diffIds) throws IOException, InterruptedException {
    Path log = tmp.resolve("shrink.log");
    Path layout = tmp.resolve("oci");
    Path temp = Files.createDirectory(tmp.resolve("temp"));
    Process p = ShrinkProcess.start(log, false, env, "copy", "--timings", "--tmpdir", temp.toString(), "containers-storage:" + NAME,
        "oci:" + layout + ":v1");
    assertThat(p.waitFor(5, TimeUnit.MINUTES)).isTrue();
    String out = Files.readString(log);
    assertThat(p.exitValue()).as(out).isZero();
    try (java.util.stream.Stream<Path> left = Files.list(temp)) {
      assertThat(left.map(f -> f.getFileName().toString())).as("--tmpdir: layers gzipped straight into the layout")
          .noneMatch(f -> f.startsWith("shrink-gzip-"));
    }
    try (Image image = ImageReference.parse("oci:" + layout + ":v1").read(TransportOptions.defaults())) {
      List<String> copied = new ArrayList<>();
      for (Descriptor layer : image.layers()) {
        try (InputStream in = Compression.uncompressed(image.open(layer))) {
          copied.add(Digest.of(in));
        }
      }
      assertThat(copied).isEqualTo(diffIds);
      assertThat(image.config().diffIds()).isEqualTo(diffIds);
    }
    return out;
  }

  @Test
  void anOverlayStoreIsReadWhereItLiesWithNoSave() throws Exception {
    List<String> diffIds = store("overlay", List.of("a.txt".getBytes(StandardCharsets.UTF_8)));
    String out = copy(diffIds);
    assertThat(out).containsPattern("(?m)^store read ").containsPattern("(?m)^layer compression ").doesNotContain("engine save")
        .doesNotContain("warning");
  }

  @Test
  void anotherStorageDriverIsSaved() throws Exception {
    List<String> diffIds = store("vfs", List.of("a.txt".getBytes(StandardCharsets.UTF_8)));
    String out = copy(diffIds);
    assertThat(out).containsPattern("(?m)^engine save ").doesNotContain("warning");
  }

  /** tar-split keeps a name that is not UTF-8 as raw bytes, which a path of the JVM cannot hold: podman save reads that layer. */
  @Test
  void aLayerTheStoreCannotGiveBackIsReadAgainThroughPodmanSave() throws Exception {
    List<String> diffIds = store("overlay", List.of("a.txt".getBytes(StandardCharsets.UTF_8), new byte[] {'c', 'a', 'f', (byte) 0xe9}));
    String out = copy(diffIds);
    assertThat(out).containsPattern("(?m)^store read ").containsPattern("(?m)^engine save ")
        .contains("not UTF-8").contains("reading the image with podman save instead");
  }
}

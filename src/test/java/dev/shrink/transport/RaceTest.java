package dev.shrink.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.shrink.image.Digest;
import dev.shrink.json.Json;
import dev.shrink.testing.Cli;
import dev.shrink.testing.LocalRegistry;
import dev.shrink.testing.Podman;
import dev.shrink.transport.RawImage.Layer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Two shrink processes into one destination at once, for each transport (issue 18): the exit
 * codes and the result agree. Either both succeed and the destination holds one of the two images,
 * whole, or one fails with a message naming the destination and the destination holds the
 * other's image, whole; nothing half-written is left, no tag is lost. The images are a few MiB of
 * random bytes and the processes run interpreted (-Xint), so that each takes seconds and they
 * overlap.
 */
class RaceTest {
  @TempDir
  Path tmp;

  /** Two images, "a" and "b", in OCI layouts {@code tmp/a} and {@code tmp/b} (tag 1): one gzip layer of data/f0, data/f1 (1 MiB each) that differ. */
  List<Path> sources() throws IOException {
    List<Path> out = new ArrayList<>();
    for (String name : List.of("a", "b")) {
      Path dir = Files.createDirectory(tmp.resolve(name));
      RawImage.writeOci(dir, "1", List.of(RawImage.gzipLayer(InterruptTest.randomTar(2, 1, name.charAt(0)))));
      out.add(dir);
    }
    return out;
  }

  /** The two processes' exit codes, started together, each with its log in {@code tmp/NAME.log}. */
  List<Integer> together(String[] first, String[] second) throws Exception {
    List<Process> ps = List.of(ShrinkProcess.start(tmp.resolve("first.log"), true, Map.of(), first),
        ShrinkProcess.start(tmp.resolve("second.log"), true, Map.of(), second));
    List<Integer> exits = new ArrayList<>();
    for (Process p : ps) {
      assertThat(p.waitFor(300, TimeUnit.SECONDS)).as("shrink ended").isTrue();
      exits.add(p.exitValue());
    }
    return exits;
  }

  String log(int i) throws IOException {
    return Files.readString(tmp.resolve(i == 0 ? "first.log" : "second.log"));
  }

  /** Which source image {@code ref} holds, "a" or "b", after unpacking it whole (every digest checked). */
  String image(String ref, String... options) throws IOException {
    Path rootfs = tmp.resolve("rootfs-" + System.nanoTime());
    List<String> args = new ArrayList<>(List.of("unpack"));
    args.addAll(List.of(options));
    args.addAll(List.of(ref, rootfs.toString()));
    Cli.Run r = Cli.run(args.toArray(String[]::new));
    assertThat(r.exit()).as("unpack %s: %s", ref, r.err()).isZero();
    String f0 = Digest.of(Files.readAllBytes(rootfs.resolve("data/f0")));
    assertThat(Files.size(rootfs.resolve("data/f1"))).isEqualTo(1 << 20);
    for (String name : List.of("a", "b")) {
      Path source = tmp.resolve("rootfs-" + name);
      if (!Files.exists(source)) {
        assertThat(Cli.run("unpack", "oci:" + tmp.resolve(name) + ":1", source.toString()).exit()).isZero();
      }
      if (Digest.of(Files.readAllBytes(source.resolve("data/f0"))).equals(f0)) {
        return name;
      }
    }
    throw new AssertionError(ref + " holds neither image");
  }

  static String[] args(String... a) {
    return a;
  }

  /** Names in {@code dir}: nothing but {@code expected} (no partial file of either process). */
  static void holdsOnly(Path dir, String... expected) {
    assertThat(InterruptTest.list(dir).stream().filter(f -> !f.contains("/")).toList()).containsExactlyInAnyOrder(expected);
  }

  /** One process wins, the other fails naming the destination; the destination is the winner's. */
  void oneWins(List<Integer> exits, String dest, String ref, String... messages) throws IOException {
    assertThat(exits).as("exit codes: %s | %s", log(0), log(1)).containsExactlyInAnyOrder(0, 1);
    int loser = exits.indexOf(1);
    assertThat(log(loser)).startsWith("shrink: error: ").contains(dest).doesNotContain("\tat ");
    for (String m : messages) {
      assertThat(log(loser)).contains(m);
    }
    assertThat(image(ref)).isEqualTo(loser == 0 ? "b" : "a");
  }

  /** Two copies of different images to one new archive: one writes it, the other is refused. */
  @ParameterizedTest
  @ValueSource(strings = {"docker-archive", "oci-archive"})
  void copiesToOneArchive(String transport) throws Exception {
    List<Path> src = sources();
    Path out = Files.createDirectory(tmp.resolve("out"));
    String dest = transport + ":" + out.resolve("image.tar");
    List<Integer> exits = together(args("copy", "oci:" + src.get(0) + ":1", dest), args("copy", "oci:" + src.get(1) + ":1", dest));
    oneWins(exits, out.resolve("image.tar").toString(), dest, "--overwrite");
    holdsOnly(out, "image.tar");
  }

  /** The same with --overwrite: both succeed, the archive is one of the two, whole. */
  @ParameterizedTest
  @ValueSource(strings = {"docker-archive", "oci-archive"})
  void overwritingCopiesToOneArchive(String transport) throws Exception {
    List<Path> src = sources();
    Path out = Files.createDirectory(tmp.resolve("out"));
    String dest = transport + ":" + out.resolve("image.tar");
    List<Integer> exits = together(args("copy", "--overwrite", "oci:" + src.get(0) + ":1", dest),
        args("copy", "--overwrite", "oci:" + src.get(1) + ":1", dest));
    assertThat(exits).as("exit codes: %s | %s", log(0), log(1)).containsExactly(0, 0);
    assertThat(image(dest)).isIn("a", "b");
    holdsOnly(out, "image.tar");
  }

  /** Two copies into one new layout under one tag: both succeed, the tag names one image, once. */
  @Test
  void copiesIntoOneLayoutUnderOneTag() throws Exception {
    List<Path> src = sources();
    Path layout = tmp.resolve("layout");
    List<Integer> exits = together(args("copy", "oci:" + src.get(0) + ":1", "oci:" + layout + ":t"),
        args("copy", "oci:" + src.get(1) + ":1", "oci:" + layout + ":t"));
    assertThat(exits).as("exit codes: %s | %s", log(0), log(1)).containsExactly(0, 0);
    List<String> tags = Json.MAPPER.readTree(Files.readAllBytes(layout.resolve("index.json"))).path("manifests").values().stream()
        .map(m -> m.path("annotations").path("org.opencontainers.image.ref.name").asString()).toList();
    assertThat(tags).containsExactly("t");
    assertThat(image("oci:" + layout + ":t")).isIn("a", "b");
    assertThat(InterruptTest.list(layout)).noneMatch(f -> f.contains(".partial-"));
  }

  /**
   * A copy into a new layout that fails (a blob that is not its digest, found at its end) while
   * another copy writes a good image into the same layout under another tag: the good copy's tag
   * and blobs are there afterwards. The failing copy may have created the directory; it removes
   * only what it wrote.
   */
  @Test
  void aFailingCopyIntoANewLayoutLeavesTheOthersImage() throws Exception {
    List<Path> src = sources();
    Path bad = Files.createDirectory(tmp.resolve("bad"));
    Layer big = RawImage.gzipLayer(InterruptTest.randomTar(3, 4, 99));
    RawImage.writeOci(bad, "1", List.of(big));
    HostileInputTest.flip(RawImage.blobPath(bad, big.blob()), 1);
    Path layout = tmp.resolve("layout");
    Process first = ShrinkProcess.start(tmp.resolve("first.log"), true, Map.of(), "copy", "oci:" + bad + ":1", "oci:" + layout + ":bad");
    InterruptTest.await("the failing copy to create the layout", () -> Files.isDirectory(layout.resolve("blobs")), first);
    Process second = ShrinkProcess.start(tmp.resolve("second.log"), true, Map.of(), "copy", "oci:" + src.get(0) + ":1", "oci:" + layout + ":good");
    assertThat(first.waitFor(300, TimeUnit.SECONDS) && second.waitFor(300, TimeUnit.SECONDS)).isTrue();
    assertThat(List.of(first.exitValue(), second.exitValue())).as("exit codes (bad, good): %s", log(1)).containsExactly(1, 0);
    assertThat(log(0)).contains(Digest.of(big.blob()));
    assertThat(image("oci:" + layout + ":good")).isEqualTo("a");
  }

  /** Two unpacks into one new directory: one unpacks, the other is refused and removes nothing. */
  @Test
  void unpacksIntoOneDirectory() throws Exception {
    List<Path> src = sources();
    Path dir = tmp.resolve("rootfs");
    List<Integer> exits = together(args("unpack", "oci:" + src.get(0) + ":1", dir.toString()), args("unpack", "oci:" + src.get(1) + ":1", dir.toString()));
    assertThat(exits).as("exit codes: %s | %s", log(0), log(1)).containsExactlyInAnyOrder(0, 1);
    int loser = exits.indexOf(1);
    assertThat(log(loser)).startsWith("shrink: error: ").contains(dir + " exists").doesNotContain("\tat ");
    assertThat(InterruptTest.list(dir)).containsExactly("data", "data/f0", "data/f1");
    Path winner = tmp.resolve(loser == 0 ? "b" : "a");
    assertThat(image("oci:" + winner + ":1")).isEqualTo(loser == 0 ? "b" : "a");
    assertThat(Files.readAllBytes(dir.resolve("data/f0"))).isEqualTo(Files.readAllBytes(tmp.resolve("rootfs-" + (loser == 0 ? "b" : "a")).resolve("data/f0")));
  }

  /** Pushes to one repository: two to one tag (both succeed, the tag is one image), and one each to two more tags (both kept). */
  @Test
  void pushesToOneRepository() throws Exception {
    assumeTrue(LocalRegistry.available() || System.getenv("CI") != null, "docker-registry is not installed");
    List<Path> src = sources();
    try (LocalRegistry registry = LocalRegistry.start()) {
      String repo = "docker://" + registry.host() + "/race/app";
      List<Integer> same = together(args("copy", "--tls-verify=false", "oci:" + src.get(0) + ":1", repo + ":same"),
          args("copy", "--tls-verify=false", "oci:" + src.get(1) + ":1", repo + ":same"));
      assertThat(same).as("exit codes: %s | %s", log(0), log(1)).containsExactly(0, 0);
      assertThat(image(repo + ":same", "--tls-verify=false")).isIn("a", "b");
      List<Integer> two = together(args("copy", "--tls-verify=false", "oci:" + src.get(0) + ":1", repo + ":a"),
          args("copy", "--tls-verify=false", "oci:" + src.get(1) + ":1", repo + ":b"));
      assertThat(two).as("exit codes: %s | %s", log(0), log(1)).containsExactly(0, 0);
      assertThat(image(repo + ":a", "--tls-verify=false")).isEqualTo("a");
      assertThat(image(repo + ":b", "--tls-verify=false")).isEqualTo("b");
    }
  }

  /** Two copies to one containers-storage name: both succeed (podman load), the name is one of the two images. */
  @Test
  void copiesToOneContainersStorageName() throws Exception {
    if (System.getenv("CI") == null) {
      Podman.assumeAvailable();
    }
    List<Path> src = sources();
    String name = Podman.testImage("race", "same");
    try {
      List<Integer> exits = together(args("copy", "oci:" + src.get(0) + ":1", "containers-storage:" + name),
          args("copy", "oci:" + src.get(1) + ":1", "containers-storage:" + name));
      assertThat(exits).as("exit codes: %s %s", log(0), log(1)).containsExactly(0, 0);
      assertThat(image("containers-storage:" + name)).isIn("a", "b");
    } finally {
      Podman.rmi(name);
    }
  }
}

package dev.shrink.transport;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shrink.image.Digest;
import dev.shrink.image.MediaTypes;
import dev.shrink.json.Json;
import dev.shrink.testing.Cli;
import dev.shrink.testing.LocalRegistry;
import dev.shrink.testing.NeedsEngine;
import dev.shrink.transport.RawImage.Layer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.node.ObjectNode;

/**
 * Hostile and faulty images, generated small, against {@code copy}, {@code inspect} and
 * {@code unpack}: each case asserts the exit code, what the message names, that no stack trace
 * shows and that nothing in the test's directory changed (no partial output anywhere).
 */
class HostileInputTest {
  static final Map<String, String> FILES = new LinkedHashMap<>(Map.of("etc/", "", "etc/hello.txt", "hello\n"));
  static final Map<String, String> MORE = Map.of("app/data.txt", "data ".repeat(300));

  @TempDir Path tmp;

  /** Path -> content digest (or "dir", or the link target) of everything under the test's directory. */
  Map<String, String> snapshot() throws IOException {
    Map<String, String> out = new TreeMap<>();
    try (Stream<Path> walk = Files.walk(tmp)) {
      for (Path p : walk.toList()) {
        String key = tmp.relativize(p).toString();
        if (Files.isSymbolicLink(p)) {
          out.put(key, "-> " + Files.readSymbolicLink(p));
        } else if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
          out.put(key, "dir");
        } else {
          out.put(key, Digest.of(Files.readAllBytes(p)));
        }
      }
    }
    return out;
  }

  /** Runs shrink, expects it to fail with exit 1 naming each of {@code names}, with nothing changed on disk. */
  Cli.Run refused(String[] args, String... names) throws IOException {
    Map<String, String> before = snapshot();
    Cli.Run r = Cli.run(args);
    assertThat(r.exit()).as("exit of shrink %s: %s", String.join(" ", args), r.err()).isEqualTo(1);
    assertThat(r.err()).startsWith("shrink: error: ").doesNotContain("\tat ").doesNotContain("Exception");
    for (String n : names) {
      assertThat(r.err()).contains(n);
    }
    assertThat(snapshot()).as("files after shrink %s", String.join(" ", args)).isEqualTo(before);
    return r;
  }

  static String[] args(String... a) {
    return a;
  }

  Path layout(List<Layer> layers) throws IOException {
    Path dir = tmp.resolve("layout");
    Files.createDirectories(dir);
    RawImage.writeOci(dir, "t", layers);
    return dir;
  }

  /** unpack, inspect and copy (to an oci-archive) all refuse the image, each naming {@code names}. */
  void allRefuse(String ref, String... names) throws IOException {
    refused(args("unpack", ref, tmp.resolve("rootfs").toString()), names);
    refused(args("inspect", ref), names);
    refused(args("copy", ref, "oci-archive:" + tmp.resolve("out.tar")), names);
  }

  static void flip(Path file, int offsetFromEnd) throws IOException {
    byte[] b = Files.readAllBytes(file);
    b[b.length - offsetFromEnd] ^= 0x01;
    Files.write(file, b);
  }

  @Test
  void anOciBlobWhoseBytesAreNotItsDigestIsRefusedNamingImageBlobAndBothDigests() throws IOException {
    Layer layer = RawImage.gzipLayer(FILES);
    Path dir = layout(List.of(layer));
    Path blob = RawImage.blobPath(dir, layer.blob());
    flip(blob, layer.blob().length / 2);
    String actual = Digest.of(Files.readAllBytes(blob));
    allRefuse("oci:" + dir + ":t", "oci:" + dir + ":t", Digest.of(layer.blob()), actual);
  }

  @Test
  void aByteChangedAfterTheTarEndMarkerIsFound() throws IOException {
    byte[] tar = RawImage.tar(FILES);
    Layer layer = RawImage.tarLayer(tar);
    Path dir = layout(List.of(layer));
    Path blob = RawImage.blobPath(dir, layer.blob());
    flip(blob, 10);
    allRefuse("oci:" + dir + ":t", Digest.of(layer.blob()), Digest.of(Files.readAllBytes(blob)));
  }

  @ParameterizedTest
  @ValueSource(ints = {100, -5})
  void aLayerWhoseSizeIsNotItsDescriptorsIsRefused(int delta) throws IOException {
    Layer layer = RawImage.gzipLayer(FILES);
    Path dir = layout(List.of(layer.withDeclaredSize(layer.blob().length + delta)));
    allRefuse("oci:" + dir + ":t", Digest.of(layer.blob()), delta > 0 ? "bytes, not the" : "longer than");
  }

  @Test
  void aDiffIdThatIsNotTheUncompressedDigestIsRefused() throws IOException {
    Layer layer = RawImage.gzipLayer(FILES);
    String wrong = Digest.of("something else".getBytes(StandardCharsets.UTF_8));
    Path dir = layout(List.of(layer.withDiffId(wrong)));
    refused(args("unpack", "oci:" + dir, tmp.resolve("rootfs").toString()), Digest.of(layer.blob()), wrong, "diff_id");
    refused(args("inspect", "oci:" + dir), Digest.of(layer.blob()), wrong, "diff_id");
  }

  @Test
  void gzipWithABadCrcIsRefused() throws IOException {
    Layer layer = RawImage.gzipLayer(FILES);
    byte[] bad = layer.blob().clone();
    bad[bad.length - 8] ^= 0x01;
    Path dir = layout(List.of(layer.withBlob(bad)));
    refused(args("unpack", "oci:" + dir, tmp.resolve("rootfs").toString()), Digest.of(bad), "CRC-32");
    refused(args("inspect", "oci:" + dir), Digest.of(bad), "CRC-32");
  }

  @Test
  void gzipWithTrailingGarbageIsRefused() throws IOException {
    Layer layer = RawImage.gzipLayer(FILES);
    byte[] bad = RawImage.concat(layer.blob(), "garbage\n".getBytes(StandardCharsets.UTF_8));
    Path dir = layout(List.of(layer.withBlob(bad)));
    refused(args("unpack", "oci:" + dir, tmp.resolve("rootfs").toString()), Digest.of(bad), "trailing data");
    refused(args("inspect", "oci:" + dir), Digest.of(bad), "trailing data");
  }

  @Test
  void gzipOfSeveralMembersIsAccepted() throws IOException {
    byte[] tar = RawImage.tar(FILES);
    byte[] blob = RawImage.concat(RawImage.gzip(Arrays.copyOfRange(tar, 0, 700)), RawImage.gzip(Arrays.copyOfRange(tar, 700, tar.length)));
    Path dir = layout(List.of(new Layer(MediaTypes.OCI_LAYER_GZIP, blob, blob.length, Digest.of(tar))));
    Cli.Run r = Cli.run("unpack", "oci:" + dir, tmp.resolve("rootfs").toString());
    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(tmp.resolve("rootfs/etc/hello.txt")).hasContent("hello");
  }

  @ParameterizedTest
  @ValueSource(strings = {".wh.", ".wh..", ".wh..."})
  void aWhiteoutThatNamesNoFileIsRefused(String name) throws IOException {
    Path dir = layout(List.of(RawImage.gzipLayer(FILES), RawImage.gzipLayer(Map.of(name, ""))));
    refused(args("unpack", "oci:" + dir, tmp.resolve("rootfs").toString()), "whiteout '" + name + "'");
  }

  @Test
  void aMissingLayerBlobIsNamed() throws IOException {
    Layer layer = RawImage.gzipLayer(FILES);
    Path dir = layout(List.of(layer));
    Files.delete(RawImage.blobPath(dir, layer.blob()));
    allRefuse("oci:" + dir, "oci:" + dir, "lacks blob " + Digest.of(layer.blob()));
  }

  @Test
  void anIndexJsonOverItsBoundIsRefusedWithoutReadingItAll() throws IOException {
    Path dir = layout(List.of(RawImage.gzipLayer(FILES)));
    byte[] index = Files.readAllBytes(dir.resolve("index.json"));
    byte[] padded = new byte[index.length + (33 << 20)];
    Arrays.fill(padded, (byte) ' ');
    System.arraycopy(index, 0, padded, 0, index.length);
    Files.write(dir.resolve("index.json"), padded);
    refused(args("inspect", "oci:" + dir), "index.json", "larger than 32 MiB");
  }

  /** A layout of FILES whose index.json names, as tag "t", an image index holding the image for linux/{@code arch}. */
  Path nestedIndex(String arch) throws IOException {
    Path dir = layout(List.of(RawImage.gzipLayer(FILES)));
    ObjectNode image = (ObjectNode) Json.MAPPER.readTree(Files.readAllBytes(dir.resolve("index.json"))).path("manifests").get(0);
    image.remove("annotations");
    image.putObject("platform").put("os", "linux").put("architecture", arch);
    ObjectNode inner = Json.object();
    inner.put("schemaVersion", 2);
    inner.put("mediaType", MediaTypes.OCI_INDEX);
    inner.putArray("manifests").add(image);
    byte[] innerBytes = Json.bytes(inner);
    RawImage.blob(dir, innerBytes);
    ObjectNode entry = RawImage.descriptor(MediaTypes.OCI_INDEX, Digest.of(innerBytes), innerBytes.length);
    entry.putObject("annotations").put("org.opencontainers.image.ref.name", "t");
    RawImage.writeIndex(dir, entry);
    return dir;
  }

  @Test
  void anIndexInsideAnIndexIsFollowed() throws IOException {
    Path dir = nestedIndex("amd64");

    Cli.Run r = Cli.run("unpack", "oci:" + dir + ":t", tmp.resolve("rootfs").toString());
    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(tmp.resolve("rootfs/etc/hello.txt")).hasContent("hello");
  }

  @Test
  void aDockerArchiveWhoseLayersIsNotAListIsRefused() throws IOException {
    Path archive = tmp.resolve("in.tar");
    byte[] config = RawImage.config(List.of());
    RawImage.writeDockerArchive(archive, "[{\"Config\":\"c.json\",\"RepoTags\":[\"x:1\"],\"Layers\":\"layer.tar\"}]",
        Map.of("c.json", config, "layer.tar", RawImage.tar(FILES)));
    allRefuse("docker-archive:" + archive, "docker-archive:" + archive, "\"Layers\"");
  }

  @ParameterizedTest
  @ValueSource(strings = {"\"missing.json\"", "\"../../../etc/hostname\"", "42"})
  void aDockerArchiveWhoseConfigIsMissingOrNotAFileIsRefusedNamingIt(String config) throws IOException {
    Path archive = tmp.resolve("in.tar");
    RawImage.writeDockerArchive(archive, "[{\"Config\":" + config + ",\"RepoTags\":[\"x:1\"],\"Layers\":[]}]", Map.of());
    allRefuse("docker-archive:" + archive, "docker-archive:" + archive, config.startsWith("\"") ? config.replace("\"", "") : "\"Config\"");
  }

  @Test
  void aDockerArchiveLayerWhoseDiffIdIsWrongIsRefused() throws IOException {
    Path archive = tmp.resolve("in.tar");
    Layer layer = RawImage.tarLayer(RawImage.tar(FILES));
    String wrong = Digest.of("other".getBytes(StandardCharsets.UTF_8));
    RawImage.writeDockerArchive(archive, "x:1", List.of(layer.withDiffId(wrong)));
    refused(args("unpack", "docker-archive:" + archive, tmp.resolve("rootfs").toString()), "docker-archive:" + archive, wrong);
  }

  @ParameterizedTest
  @ValueSource(strings = {"docker-archive", "oci-archive"})
  void copyRefusesToReplaceAnArchiveUnlessToldTo(String transport) throws IOException {
    Path dir = layout(List.of(RawImage.gzipLayer(FILES)));
    Path existing = tmp.resolve("existing.tar");
    Files.writeString(existing, "keep me");
    refused(args("copy", "oci:" + dir, transport + ":" + existing), existing.toString(), "--overwrite");
    assertThat(existing).hasContent("keep me");

    Cli.Run r = Cli.run("copy", "--overwrite", "oci:" + dir, transport + ":" + existing);
    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(Cli.run("unpack", transport + ":" + existing, tmp.resolve("rootfs").toString()).exit()).isZero();
    assertThat(tmp.resolve("rootfs/etc/hello.txt")).hasContent("hello");
  }

  /**
   * Several processes copy into one new OCI layout under different tags at once: every tag is
   * there afterwards. The source's plain layer is compressed on the way, which keeps each copy
   * busy long enough for the others to overlap it.
   */
  @Test
  void concurrentCopiesIntoOneLayoutKeepEveryTag() throws Exception {
    StringBuilder data = new StringBuilder();
    java.util.Random random = new java.util.Random(18);
    for (int i = 0; i < 600_000; i++) {
      data.append(random.nextInt(1000)).append(' ');
    }
    Path archive = tmp.resolve("in.tar");
    RawImage.writeDockerArchive(archive, "x:1", List.of(RawImage.tarLayer(RawImage.tar(Map.of("big.txt", data.toString())))));
    Path layout = tmp.resolve("shared");
    List<String> tags = List.of("a", "b", "c");
    List<Process> processes = new ArrayList<>();
    for (String tag : tags) {
      processes.add(ShrinkProcess.start(tmp.resolve("copy-" + tag + ".log"), false, Map.of(),
          "copy", "docker-archive:" + archive, "oci:" + layout + ":" + tag));
    }
    for (int i = 0; i < processes.size(); i++) {
      assertThat(processes.get(i).waitFor(120, TimeUnit.SECONDS)).isTrue();
      assertThat(processes.get(i).exitValue()).as(Files.readString(tmp.resolve("copy-" + tags.get(i) + ".log"))).isZero();
    }
    List<String> stored = Json.MAPPER.readTree(Files.readAllBytes(layout.resolve("index.json"))).path("manifests").values().stream()
        .map(m -> m.path("annotations").path("org.opencontainers.image.ref.name").asString()).sorted().toList();
    assertThat(stored).isEqualTo(tags);
  }

  /**
   * A registry serves a layer changed on its disk (same size) where a tar reader never looks:
   * the end of a second gzip member of 1 MiB of zero blocks after the tar's end marker. The
   * files inside are the same; unpack and inspect still refuse it, naming the blob and both
   * digests (main before issue 18 unpacked it and said nothing).
   */
  @Test
  @NeedsEngine
  void aTamperedLayerFromARegistryIsRefused() throws IOException {
    byte[] tar = RawImage.concat(RawImage.tar(FILES), new byte[1 << 20]);
    byte[] blob = RawImage.concat(RawImage.gzip(RawImage.tar(FILES)), RawImage.gzip(new byte[1 << 20]));
    Layer layer = new Layer(MediaTypes.OCI_LAYER_GZIP, blob, blob.length, Digest.of(tar));
    Path dir = layout(List.of(layer, RawImage.gzipLayer(MORE)));
    try (LocalRegistry registry = LocalRegistry.start()) {
      String ref = "docker://" + registry.host() + "/hostile/trailer:1";
      Cli.Run push = Cli.run("copy", "--tls-verify=false", "oci:" + dir, ref);
      assertThat(push.exit()).as(push.err()).isZero();
      String hex = Digest.hex(Digest.of(layer.blob()));
      Path stored = registry.storage().resolve("docker/registry/v2/blobs/sha256/" + hex.substring(0, 2) + "/" + hex + "/data");
      flip(stored, 1);
      String actual = Digest.of(Files.readAllBytes(stored));
      refused(args("unpack", "--tls-verify=false", ref, tmp.resolve("rootfs").toString()), ref, Digest.of(layer.blob()), actual);
      refused(args("inspect", "--tls-verify=false", ref), ref, Digest.of(layer.blob()), actual);
    }
  }

  /** A layer of one file of {@code size} zero bytes, gzipped (a thousand times smaller). */
  static Layer zeros(long size) throws IOException {
    java.io.ByteArrayOutputStream gz = new java.io.ByteArrayOutputStream();
    java.security.MessageDigest md = Digest.sha256();
    try (org.apache.commons.compress.archivers.tar.TarArchiveOutputStream tar = new org.apache.commons.compress.archivers.tar.TarArchiveOutputStream(
        new java.security.DigestOutputStream(new java.util.zip.GZIPOutputStream(gz), md))) {
      org.apache.commons.compress.archivers.tar.TarArchiveEntry e = new org.apache.commons.compress.archivers.tar.TarArchiveEntry("zeros");
      e.setSize(size);
      tar.putArchiveEntry(e);
      byte[] block = new byte[1 << 20];
      for (long left = size; left > 0; left -= block.length) {
        tar.write(block, 0, (int) Math.min(left, block.length));
      }
      tar.closeArchiveEntry();
    }
    byte[] blob = gz.toByteArray();
    return new Layer(MediaTypes.OCI_LAYER_GZIP, blob, blob.length, Digest.format(md.digest()));
  }

  /**
   * A gzip bomb, 160 MiB of zeros in 160 KB: unpack and inspect refuse it, naming the layer and
   * how to lift the bound, and leave nothing (issue 18: 1 MB unpacked to 1.1 GiB); with the bound
   * lifted by SHRINK_MAX_EXPANSION=0 it unpacks.
   */
  @Test
  void aGzipBombIsRefusedUnlessTheBoundIsLifted() throws Exception {
    Layer bomb = zeros(160L << 20);
    assertThat(bomb.blob().length).isLessThan(1 << 20);
    Path dir = layout(List.of(bomb));
    String[] names = {Digest.of(bomb.blob()), "decompression bomb", "SHRINK_MAX_EXPANSION"};
    refused(args("unpack", "oci:" + dir, tmp.resolve("rootfs").toString()), names);
    refused(args("inspect", "oci:" + dir), names);
    Path rootfs = tmp.resolve("trusted");
    Process p = ShrinkProcess.start(tmp.resolve("trusted.log"), false, Map.of("SHRINK_MAX_EXPANSION", "0"),
        "unpack", "oci:" + dir, rootfs.toString());
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(Files.readString(tmp.resolve("trusted.log"))).isZero();
    assertThat(Files.size(rootfs.resolve("zeros"))).isEqualTo(160L << 20);
  }

  /**
   * A zstd layer whose frame is corrupt in the middle, with a manifest that names the corrupt
   * blob's own digest: unpack and inspect refuse it naming the layer. (copy passes a compressed
   * blob on as it is, checked against its digest, as skopeo does: it never uncompresses it.)
   */
  @Test
  void aCorruptZstdLayerIsRefused() throws IOException {
    byte[] tar = RawImage.tar(MORE);
    byte[] blob = com.github.luben.zstd.Zstd.compress(tar, 3);
    blob[blob.length / 2] ^= 0x55;
    Layer layer = new Layer(MediaTypes.OCI_LAYER_ZSTD, blob, blob.length, Digest.of(tar));
    Path dir = layout(List.of(layer));
    refused(args("unpack", "oci:" + dir, tmp.resolve("rootfs").toString()), Digest.of(blob));
    refused(args("inspect", "oci:" + dir), Digest.of(blob));
  }

  /** A Docker schema 1 manifest: refused, saying so. */
  @Test
  void aSchema1ManifestIsRefused() throws IOException {
    Path dir = layout(List.of(RawImage.gzipLayer(FILES)));
    byte[] manifest = "{\"schemaVersion\":1,\"name\":\"x\",\"tag\":\"1\",\"fsLayers\":[],\"history\":[]}".getBytes(StandardCharsets.UTF_8);
    RawImage.blob(dir, manifest);
    ObjectNode entry = RawImage.descriptor(MediaTypes.OCI_MANIFEST, Digest.of(manifest), manifest.length);
    RawImage.writeIndex(dir, entry);
    allRefuse("oci:" + dir, "schema 1 is not supported");
  }

  /** An image index with images for other platforms only: refused, naming the platform asked for and those it has. */
  @Test
  void anIndexWithoutThePlatformIsRefusedNamingWhatItHas() throws IOException {
    allRefuse("oci:" + nestedIndex("riscv64") + ":t", "no image for platform linux/amd64", "riscv64", "--platform");
  }

  /** index.json that is not JSON: refused naming the file. */
  @Test
  void anIndexJsonThatIsNotJsonIsRefused() throws IOException {
    Path dir = layout(List.of(RawImage.gzipLayer(FILES)));
    Files.writeString(dir.resolve("index.json"), "{\"manifests\": [");
    allRefuse("oci:" + dir, "index.json");
  }
}

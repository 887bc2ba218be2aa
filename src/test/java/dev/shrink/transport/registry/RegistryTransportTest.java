package dev.shrink.transport.registry;

import dev.shrink.image.ImageJson;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.shrink.image.Descriptor;
import dev.shrink.image.Digest;
import dev.shrink.image.Image;
import dev.shrink.image.ImageException;
import dev.shrink.image.ManifestFormat;
import dev.shrink.image.MediaTypes;
import dev.shrink.image.Platform;
import dev.shrink.testing.LocalRegistry;
import dev.shrink.testing.NeedsEngine;
import dev.shrink.transport.ImageReference;
import dev.shrink.transport.TransportOptions;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

@NeedsEngine
class RegistryTransportTest {
  static LocalRegistry registry;
  static final RegistryClient.RetryPolicy FAST = new RegistryClient.RetryPolicy(4, Duration.ofMillis(20), Duration.ofMillis(200));

  @TempDir Path tmp;

  @BeforeAll
  static void startRegistry() throws IOException {
    registry = LocalRegistry.start();
  }

  @AfterAll
  static void stopRegistry() {
    if (registry != null) {
      registry.close();
    }
  }

  /** A transport that sees only the environment a test gives it (no credentials of the machine's user). */
  RegistryTransport transport(Map<String, String> extra) {
    Map<String, String> env = new HashMap<>();
    env.put("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
    env.put("HOME", tmp.resolve("home").toString());
    env.putAll(extra);
    return new RegistryTransport(env, FAST);
  }

  RegistryTransport transport() {
    return transport(Map.of());
  }

  TransportOptions options() {
    return TransportOptions.builder().tlsVerify(false).tempDir(tmp).build();
  }

  static String run(String... command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor()).as(String.join(" ", command) + " said: " + out).isZero();
    return out;
  }

  static byte[] runBytes(String... command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    byte[] out = p.getInputStream().readAllBytes();
    assertThat(p.waitFor()).as(String.join(" ", command)).isZero();
    return out;
  }

  static boolean skopeo() {
    return Stream.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
        .anyMatch(d -> !d.isEmpty() && Files.isExecutable(Path.of(d, "skopeo")));
  }

  static byte[] readAll(Image image, Descriptor d) throws IOException {
    try (InputStream in = image.open(d)) {
      return in.readAllBytes();
    }
  }

  static long uploads(List<LocalRegistry.Access> log) {
    return log.stream().filter(a -> a.method().equals("POST") && a.path().contains("/blobs/uploads/")).count();
  }

  @Test
  void registersAsTheDockerTransport() {
    ImageReference ref = ImageReference.parse("docker://" + registry.host() + "/app:1");
    assertThat(ref.transport()).isInstanceOf(RegistryTransport.class);
    assertThat(ref.spec()).isEqualTo(registry.host() + "/app:1");
  }

  @Test
  void pushesAndReadsBackWithTheSameDigestAndBlobs() throws Exception {
    TestImage t = TestImage.twoLayers("amd64", "push");
    String spec = registry.host() + "/shrink/app:1";
    transport().write(t.image("test"), spec, options());

    String expected = Digest.of(t.manifestBytes());
    try (Image back = transport().read(spec, options())) {
      assertThat(Digest.of(back.manifestBytes(ManifestFormat.OCI))).isEqualTo(expected);
      assertThat(back.manifestBytes(ManifestFormat.OCI)).isEqualTo(t.manifestBytes());
      assertThat(back.layers()).isEqualTo(t.layers);
      for (Descriptor l : back.layers()) {
        assertThat(readAll(back, l)).isEqualTo(t.blobs.get(l.digest()));
      }
      assertThat(back.configBytes()).isEqualTo(t.config);
      assertThat(back.config().architecture()).isEqualTo("amd64");
    }
    // By digest, too.
    try (Image byDigest = transport().read(registry.host() + "/shrink/app@" + expected, options())) {
      assertThat(Digest.of(byDigest.manifestBytes(ManifestFormat.OCI))).isEqualTo(expected);
    }

    if (skopeo()) {
      byte[] raw = runBytes("skopeo", "inspect", "--tls-verify=false", "--raw", "docker://" + spec);
      assertThat(raw).isEqualTo(t.manifestBytes());
      JsonNode info = ImageJson.parse(run("skopeo", "inspect", "--tls-verify=false", "docker://" + spec).getBytes(StandardCharsets.UTF_8), "skopeo");
      assertThat(info.path("Digest").asString()).isEqualTo(expected);
      assertThat(info.path("Layers").values().stream().map(JsonNode::asString).toList())
          .containsExactlyElementsOf(t.layers.stream().map(Descriptor::digest).toList());
      assertThat(info.path("Architecture").asString()).isEqualTo("amd64");
    }
  }

  @Test
  void pushesDockerFormatAndKeepsTheDigestOnACopy() throws Exception {
    TestImage t = TestImage.twoLayers("amd64", "docker");
    String spec = registry.host() + "/shrink/docker:1";
    TransportOptions docker = options().toBuilder().format(ManifestFormat.DOCKER).build();
    Image image = t.image("test");
    byte[] expectedBytes = image.manifestBytes(ManifestFormat.DOCKER);
    transport().write(image, spec, docker);

    try (Image back = transport().read(spec, options())) {
      assertThat(back.manifest().mediaType()).isEqualTo(MediaTypes.DOCKER_MANIFEST);
      assertThat(back.manifest().config().mediaType()).isEqualTo(MediaTypes.DOCKER_CONFIG);
      assertThat(back.manifestBytes(ManifestFormat.DOCKER)).isEqualTo(expectedBytes);
      // A copy in the same format keeps the digest (the raw bytes are pushed again).
      transport().write(back, registry.host() + "/shrink/docker-copy:1", docker);
    }
    try (Image copy = transport().read(registry.host() + "/shrink/docker-copy:1", options())) {
      assertThat(Digest.of(copy.manifestBytes(ManifestFormat.DOCKER))).isEqualTo(Digest.of(expectedBytes));
    }
    if (skopeo()) {
      JsonNode raw = ImageJson.parse(runBytes("skopeo", "inspect", "--tls-verify=false", "--raw", "docker://" + spec), "skopeo");
      assertThat(raw.path("mediaType").asString()).isEqualTo(MediaTypes.DOCKER_MANIFEST);
    }
  }

  @Test
  void pushingByDigestNeedsTheManifestsDigest() throws Exception {
    TestImage t = TestImage.twoLayers("amd64", "bydigest");
    String digest = Digest.of(t.manifestBytes());
    transport().write(t.image("test"), registry.host() + "/shrink/bydigest@" + digest, options());
    try (Image back = transport().read(registry.host() + "/shrink/bydigest@" + digest, options())) {
      assertThat(back.manifestBytes(ManifestFormat.OCI)).isEqualTo(t.manifestBytes());
    }
    String other = Digest.of("something else".getBytes(StandardCharsets.UTF_8));
    assertThatThrownBy(() -> transport().write(t.image("test"), registry.host() + "/shrink/bydigest@" + other, options()))
        .isInstanceOf(ImageException.class)
        .hasMessageContaining(digest)
        .hasMessageContaining("not the digest the reference names");
  }

  @Test
  void aSecondPushUploadsNoBlob() throws Exception {
    TestImage t = TestImage.twoLayers("amd64", "twice");
    String spec = registry.host() + "/shrink/twice:1";
    long before = uploads(registry.requests());
    transport().write(t.image("test"), spec, options());
    long afterFirst = uploads(registry.requests());
    assertThat(afterFirst - before).isEqualTo(3); // two layers and the config
    transport().write(t.image("test"), spec, options());
    assertThat(uploads(registry.requests())).isEqualTo(afterFirst);
    // ...but it did check them, and put the manifest again.
    List<LocalRegistry.Access> log = registry.requests();
    assertThat(log.stream().filter(a -> a.method().equals("HEAD") && a.path().startsWith("/v2/shrink/twice/blobs/")).count()).isEqualTo(6);
    assertThat(log.stream().filter(a -> a.method().equals("PUT") && a.path().equals("/v2/shrink/twice/manifests/1")).count()).isEqualTo(2);
  }

  @Test
  void uncompressedLayersArePushedGzipped() throws Exception {
    TestImage t = TestImage.twoLayers("amd64", "plain");
    // The same image with its first layer stored as a plain tar.
    byte[] tar = t.diffIds.get(0);
    Descriptor plain = new Descriptor(MediaTypes.OCI_LAYER, Digest.of(tar), tar.length);
    t.blobs.put(plain.digest(), tar);
    List<Descriptor> layers = List.of(plain, t.layers.get(1));
    Image image = t.image("test").withLayers(layers, d -> new java.io.ByteArrayInputStream(t.blobs.get(d.digest())), () -> {});
    String spec = registry.host() + "/shrink/plain:1";
    transport().write(image, spec, options());
    try (Image back = transport().read(spec, options())) {
      Descriptor first = back.layers().get(0);
      assertThat(first.mediaType()).isEqualTo(MediaTypes.OCI_LAYER_GZIP);
      try (InputStream in = new java.util.zip.GZIPInputStream(back.open(first))) {
        assertThat(in.readAllBytes()).isEqualTo(tar);
      }
    }
  }

  @Test
  void aCorruptBlobFailsNamingImageAndBlob() throws Exception {
    TestImage t = TestImage.twoLayers("amd64", "corrupt");
    String spec = registry.host() + "/shrink/corrupt:1";
    transport().write(t.image("test"), spec, options());
    Descriptor layer = t.layers.get(1);
    Path data = registry.storage().resolve("docker/registry/v2/blobs/sha256/" + Digest.hex(layer.digest()).substring(0, 2)
        + "/" + Digest.hex(layer.digest()) + "/data");
    assertThat(data).exists();
    byte[] bytes = Files.readAllBytes(data);
    bytes[bytes.length / 2] ^= 0x55;
    Files.write(data, bytes);

    try (Image back = transport().read(spec, options())) {
      assertThat(readAll(back, back.layers().get(0))).isEqualTo(t.blobs.get(back.layers().get(0).digest()));
      assertThatThrownBy(() -> readAll(back, layer))
          .isInstanceOf(IOException.class)
          .hasMessageContaining("docker://" + spec)
          .hasMessageContaining("blob " + layer.digest())
          .hasMessageContaining("does not match its digest");
    }
  }

  @Test
  void readsAnImageSkopeoPushedInDockerFormat() throws Exception {
    assumeTrue(skopeo(), "skopeo is not installed");
    TestImage t = TestImage.twoLayers("amd64", "skopeo");
    Path layout = writeOciLayout(tmp.resolve("layout"), Map.of("v1", t.manifestBytes()), t.blobs);
    String spec = registry.host() + "/skopeo/app:v2s2";
    run("skopeo", "copy", "--format", "v2s2", "--dest-tls-verify=false", "oci:" + layout + ":v1", "docker://" + spec);
    byte[] raw = runBytes("skopeo", "inspect", "--tls-verify=false", "--raw", "docker://" + spec);

    try (Image back = transport().read(spec, options())) {
      assertThat(back.manifest().mediaType()).isEqualTo(MediaTypes.DOCKER_MANIFEST);
      assertThat(back.layers()).allSatisfy(l -> assertThat(l.mediaType()).isEqualTo(MediaTypes.DOCKER_LAYER_GZIP));
      assertThat(back.manifestBytes(ManifestFormat.DOCKER)).isEqualTo(raw);
      for (Descriptor l : back.layers()) {
        assertThat(readAll(back, l)).isEqualTo(t.blobs.get(l.digest()));
      }
      assertThat(back.config().diffIds()).hasSize(2);
    }
  }

  @Test
  void readsTheRequestedPlatformFromAnIndexSkopeoPushed() throws Exception {
    assumeTrue(skopeo(), "skopeo is not installed");
    TestImage amd = TestImage.twoLayers("amd64", "multi-amd");
    TestImage arm = TestImage.twoLayers("arm64", "multi-arm");
    byte[] index = indexJson(MediaTypes.OCI_INDEX, MediaTypes.OCI_MANIFEST, amd, "amd64", arm, "arm64");
    Map<String, byte[]> blobs = new HashMap<>(amd.blobs);
    blobs.putAll(arm.blobs);
    blobs.put(Digest.of(amd.manifestBytes()), amd.manifestBytes());
    blobs.put(Digest.of(arm.manifestBytes()), arm.manifestBytes());
    Path layout = writeOciLayout(tmp.resolve("multi"), Map.of("multi", index), blobs);
    String spec = registry.host() + "/skopeo/multi:1";
    run("skopeo", "copy", "--all", "--dest-tls-verify=false", "oci:" + layout + ":multi", "docker://" + spec);

    try (Image a = transport().read(spec, options())) {
      assertThat(a.manifestBytes(ManifestFormat.OCI)).isEqualTo(amd.manifestBytes());
      assertThat(a.config().architecture()).isEqualTo("amd64");
    }
    try (Image b = transport().read(spec, options().toBuilder().platform(Platform.parse("linux/arm64")).build())) {
      assertThat(b.manifestBytes(ManifestFormat.OCI)).isEqualTo(arm.manifestBytes());
      assertThat(b.config().architecture()).isEqualTo("arm64");
      assertThat(readAll(b, b.layers().get(0))).isEqualTo(arm.blobs.get(b.layers().get(0).digest()));
    }
    assertThatThrownBy(() -> transport().read(spec, options().toBuilder().platform(Platform.parse("linux/s390x")).build()))
        .isInstanceOf(ImageException.class)
        .hasMessageContaining("linux/s390x")
        .hasMessageContaining("--platform");
  }

  @Test
  void readsADockerManifestListPutByHand() throws Exception {
    TestImage amd = TestImage.twoLayers("amd64", "list-amd");
    TestImage arm = TestImage.twoLayers("arm64", "list-arm");
    TransportOptions docker = options().toBuilder().format(ManifestFormat.DOCKER).build();
    Image amdImage = amd.image("amd");
    Image armImage = arm.image("arm");
    byte[] amdBytes = amdImage.manifestBytes(ManifestFormat.DOCKER);
    byte[] armBytes = armImage.manifestBytes(ManifestFormat.DOCKER);
    transport().write(amdImage, registry.host() + "/shrink/list@" + Digest.of(amdBytes), docker);
    transport().write(armImage, registry.host() + "/shrink/list@" + Digest.of(armBytes), docker);
    String list = "{\"schemaVersion\":2,\"mediaType\":\"" + MediaTypes.DOCKER_LIST + "\",\"manifests\":["
        + entry(MediaTypes.DOCKER_MANIFEST, armBytes, "arm64", "v8") + ","
        + entry(MediaTypes.DOCKER_MANIFEST, amdBytes, "amd64", null) + "]}";
    HttpResponse<String> put = HttpClient.newHttpClient().send(
        HttpRequest.newBuilder(URI.create(registry.url() + "/v2/shrink/list/manifests/multi"))
            .header("Content-Type", MediaTypes.DOCKER_LIST)
            .PUT(HttpRequest.BodyPublishers.ofString(list)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(put.statusCode()).as(put.body()).isEqualTo(201);

    String spec = registry.host() + "/shrink/list:multi";
    try (Image a = transport().read(spec, options())) {
      assertThat(a.manifestBytes(ManifestFormat.DOCKER)).isEqualTo(amdBytes);
    }
    try (Image b = transport().read(spec, options().toBuilder().platform(Platform.parse("linux/arm64")).build())) {
      assertThat(b.manifestBytes(ManifestFormat.DOCKER)).isEqualTo(armBytes);
      assertThat(b.config().architecture()).isEqualTo("arm64");
    }
  }

  /** An index whose one entry is an index (no platform) that names the image: followed, as in oci: layouts. */
  @Test
  void followsAnIndexInsideAnIndex() throws Exception {
    TestImage amd = TestImage.twoLayers("amd64", "nested-amd");
    Image image = amd.image("amd");
    byte[] manifest = image.manifestBytes(ManifestFormat.OCI);
    transport().write(image, registry.host() + "/shrink/nested@" + Digest.of(manifest), options());
    String inner = "{\"schemaVersion\":2,\"mediaType\":\"" + MediaTypes.OCI_INDEX + "\",\"manifests\":["
        + entry(MediaTypes.OCI_MANIFEST, manifest, "amd64", null) + "]}";
    byte[] innerBytes = inner.getBytes(StandardCharsets.UTF_8);
    String outer = "{\"schemaVersion\":2,\"mediaType\":\"" + MediaTypes.OCI_INDEX + "\",\"manifests\":[{\"mediaType\":\""
        + MediaTypes.OCI_INDEX + "\",\"digest\":\"" + Digest.of(innerBytes) + "\",\"size\":" + innerBytes.length + "}]}";
    for (String[] put : List.of(new String[] {Digest.of(innerBytes), inner}, new String[] {"nested", outer})) {
      HttpResponse<String> r = HttpClient.newHttpClient().send(
          HttpRequest.newBuilder(URI.create(registry.url() + "/v2/shrink/nested/manifests/" + put[0]))
              .header("Content-Type", MediaTypes.OCI_INDEX)
              .PUT(HttpRequest.BodyPublishers.ofString(put[1])).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
    }
    try (Image back = transport().read(registry.host() + "/shrink/nested:nested", options())) {
      assertThat(back.manifestBytes(ManifestFormat.OCI)).isEqualTo(manifest);
      assertThat(readAll(back, back.layers().get(1))).isEqualTo(amd.blobs.get(back.layers().get(1).digest()));
    }
  }

  @Test
  void errorsNameTheImageAndTheRegistrysAnswer() throws Exception {
    String spec = registry.host() + "/shrink/absent:1";
    assertThatThrownBy(() -> transport().read(spec, options()))
        .isInstanceOf(RegistryException.class)
        .hasMessageStartingWith("docker://" + spec + ": reading manifest 1: 404 MANIFEST_UNKNOWN manifest unknown");
  }

  @Test
  void anUnreachableRegistryIsRetriedThenNamed() throws Exception {
    int port;
    try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
      port = s.getLocalPort();
    }
    String spec = "127.0.0.1:" + port + "/app:1";
    long start = System.nanoTime();
    assertThatThrownBy(() -> transport().read(spec, options()))
        .isInstanceOf(RegistryException.class)
        .hasMessageStartingWith("docker://" + spec + ": reading manifest 1: cannot reach http://127.0.0.1:" + port);
    // Three pauses of the fast policy: 20 + 40 + 80 ms.
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(140));
  }

  @Test
  void aBlobOfHundredsOfMegabytesIsStreamedBothWays() throws Exception {
    long size = 300L << 20;
    String spec = registry.host() + "/shrink/big:1";
    String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    // A 48 MB heap cannot hold the 300 MB layer: the push passes only if it streams.
    Process p = new ProcessBuilder(javaBin, "-Xmx48m", "-cp", System.getProperty("java.class.path"),
        BigBlobPush.class.getName(), spec, Long.toString(size), tmp.toString())
        .redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    assertThat(p.waitFor()).as(out).isZero();
    String digest = out.lines().reduce((a, b) -> b).orElseThrow();
    assertThat(Digest.isValid(digest)).as(out).isTrue();

    try (Image back = transport().read(spec, options())) {
      Descriptor layer = back.layers().get(0);
      assertThat(layer.digest()).isEqualTo(digest);
      assertThat(layer.size()).isEqualTo(size);
      long n;
      try (InputStream in = back.open(layer)) {
        n = in.transferTo(java.io.OutputStream.nullOutputStream()); // verified against the digest at the end
      }
      assertThat(n).isEqualTo(size);
    }
  }

  // ---- helpers ----

  static String entry(String type, byte[] manifest, String arch, String variant) {
    return "{\"mediaType\":\"" + type + "\",\"digest\":\"" + Digest.of(manifest) + "\",\"size\":" + manifest.length
        + ",\"platform\":{\"architecture\":\"" + arch + "\",\"os\":\"linux\"" + (variant == null ? "" : ",\"variant\":\"" + variant + "\"") + "}}";
  }

  static byte[] indexJson(String indexType, String manifestType, TestImage a, String archA, TestImage b, String archB) {
    return ("{\"schemaVersion\":2,\"mediaType\":\"" + indexType + "\",\"manifests\":["
        + entry(manifestType, a.manifestBytes(), archA, null) + "," + entry(manifestType, b.manifestBytes(), archB, null) + "]}")
        .getBytes(StandardCharsets.UTF_8);
  }

  /** An OCI layout with one top-level entry per tag (each an image manifest or an index). */
  static Path writeOciLayout(Path dir, Map<String, byte[]> tags, Map<String, byte[]> blobs) throws IOException {
    Path shaDir = Files.createDirectories(dir.resolve("blobs/sha256"));
    for (byte[] b : blobs.values()) {
      Files.write(shaDir.resolve(Digest.hex(Digest.of(b))), b);
    }
    StringBuilder index = new StringBuilder("{\"schemaVersion\":2,\"manifests\":[");
    boolean first = true;
    for (Map.Entry<String, byte[]> tag : tags.entrySet()) {
      byte[] m = tag.getValue();
      Files.write(shaDir.resolve(Digest.hex(Digest.of(m))), m);
      String type = ImageJson.parse(m, "manifest").path("mediaType").asString();
      index.append(first ? "" : ",").append("{\"mediaType\":\"").append(type).append("\",\"digest\":\"").append(Digest.of(m))
          .append("\",\"size\":").append(m.length).append(",\"annotations\":{\"org.opencontainers.image.ref.name\":\"")
          .append(tag.getKey()).append("\"}}");
      first = false;
    }
    index.append("]}");
    Files.writeString(dir.resolve("index.json"), index);
    Files.writeString(dir.resolve("oci-layout"), "{\"imageLayoutVersion\":\"1.0.0\"}");
    return dir;
  }

  static String basicAuth(String user, String password) {
    return Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
  }

  static Path executable(Path file, String text) throws IOException {
    Files.writeString(file, text);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    return file;
  }
}

package dev.shrink.transport.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.shrink.image.Descriptor;
import dev.shrink.image.Digest;
import dev.shrink.image.Image;
import dev.shrink.image.ManifestFormat;
import dev.shrink.testing.LocalRegistry;
import dev.shrink.testing.NeedsEngine;
import dev.shrink.transport.TransportOptions;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Transient failures are retried, others are not: a proxy in front of the real registry answers
 * chosen requests with 5xx or 429 a given number of times, then passes them on.
 */
@NeedsEngine
class RegistryRetryTest {
  static final Set<String> HOP_HEADERS = Set.of("connection", "content-length", "expect", "host", "upgrade", "transfer-encoding", "date");

  LocalRegistry registry;
  HttpServer proxy;
  final HttpClient upstream = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  final List<String> seen = new CopyOnWriteArrayList<>();
  volatile String faultMethod;
  volatile String faultPathPart;
  volatile int faultStatus;
  volatile String bodyFault;
  volatile String retryAfter = "0";
  final List<Long> times = new CopyOnWriteArrayList<>();
  final AtomicInteger faultsLeft = new AtomicInteger();

  @TempDir Path tmp;

  @BeforeEach
  void start() throws IOException {
    registry = LocalRegistry.start();
    proxy = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    proxy.createContext("/", this::handle);
    proxy.start();
  }

  @AfterEach
  void stop() {
    if (proxy != null) {
      proxy.stop(0);
    }
    if (registry != null) {
      registry.close();
    }
  }

  String host() {
    return "127.0.0.1:" + proxy.getAddress().getPort();
  }

  void fail(String method, String pathPart, int status, int times) {
    faultMethod = method;
    faultPathPart = pathPart;
    faultStatus = status;
    bodyFault = null;
    faultsLeft.set(times);
  }

  /**
   * GETs of {@code pathPart} send the headers and half the body, then close ("short") or go quiet
   * ("stall"); or send the whole answer changed: one byte flipped ("flip"), other bytes of the
   * same size ("swap"), a wrong Docker-Content-Digest header ("digest").
   */
  void failBody(String pathPart, String kind, int times) {
    fail("GET", pathPart, 200, times);
    bodyFault = kind;
  }

  void handle(HttpExchange ex) throws IOException {
    String method = ex.getRequestMethod();
    String path = ex.getRequestURI().getRawPath();
    byte[] body = ex.getRequestBody().readAllBytes();
    boolean fault = method.equals(faultMethod) && path.contains(faultPathPart) && faultsLeft.getAndDecrement() > 0;
    String kind = bodyFault;
    String range = ex.getRequestHeaders().containsKey("Range") ? " (" + ex.getRequestHeaders().getFirst("Range") + ")" : "";
    seen.add(method + " " + path + range + (fault ? " -> " + (kind != null ? kind : faultStatus) : ""));
    times.add(System.nanoTime());
    if (fault && kind != null) {
      if (kind.equals("short") || kind.equals("stall")) {
        halfABody(ex, kind);
      } else {
        tampered(ex, kind);
      }
      return;
    }
    if (fault) {
      byte[] err = ("{\"errors\":[{\"code\":\"UNAVAILABLE\",\"message\":\"injected " + faultStatus + "\"}]}").getBytes(StandardCharsets.UTF_8);
      if (faultStatus == 429 || faultStatus == 503) {
        ex.getResponseHeaders().set("Retry-After", retryAfter);
      }
      ex.sendResponseHeaders(faultStatus, method.equals("HEAD") ? -1 : err.length);
      if (!method.equals("HEAD")) {
        ex.getResponseBody().write(err);
      }
      ex.close();
      return;
    }
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(registry.url() + ex.getRequestURI().toString()))
        .method(method, body.length == 0 ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
    ex.getRequestHeaders().forEach((k, vs) -> {
      if (!HOP_HEADERS.contains(k.toLowerCase())) {
        vs.forEach(v -> b.header(k, v));
      }
    });
    HttpResponse<byte[]> r;
    try {
      r = upstream.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    } catch (InterruptedException e) {
      throw new IOException(e);
    }
    r.headers().map().forEach((k, vs) -> {
      if (!HOP_HEADERS.contains(k.toLowerCase())) {
        vs.forEach(v -> ex.getResponseHeaders().add(k, k.equalsIgnoreCase("Location") ? v.replace(registry.host(), host()) : v));
      }
    });
    boolean noBody = method.equals("HEAD") || r.body().length == 0;
    ex.sendResponseHeaders(r.statusCode(), noBody ? -1 : r.body().length);
    if (!noBody) {
      ex.getResponseBody().write(r.body());
    }
    ex.close();
  }

  private void halfABody(HttpExchange ex, String kind) throws IOException {
    HttpResponse<byte[]> r;
    try {
      r = upstream.send(HttpRequest.newBuilder(URI.create(registry.url() + ex.getRequestURI())).build(), HttpResponse.BodyHandlers.ofByteArray());
    } catch (InterruptedException e) {
      throw new IOException(e);
    }
    byte[] all = r.body();
    ex.sendResponseHeaders(200, all.length);
    try {
      ex.getResponseBody().write(all, 0, all.length / 2);
      ex.getResponseBody().flush();
      if (kind.equals("stall")) {
        Thread.sleep(3000);
      }
      ex.close();
    } catch (IOException | InterruptedException e) {
      // the client gave up on this answer, as it should
    }
  }

  private void tampered(HttpExchange ex, String kind) throws IOException {
    HttpResponse<byte[]> r;
    try {
      HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(registry.url() + ex.getRequestURI()));
      ex.getRequestHeaders().getOrDefault("Accept", List.of()).forEach(v -> b.header("Accept", v));
      r = upstream.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    } catch (InterruptedException e) {
      throw new IOException(e);
    }
    byte[] body = r.body();
    r.headers().firstValue("Content-Type").ifPresent(t -> ex.getResponseHeaders().set("Content-Type", t));
    r.headers().firstValue("Docker-Content-Digest").ifPresent(d -> ex.getResponseHeaders().set("Docker-Content-Digest", d));
    switch (kind) {
      case "flip" -> body[body.length / 2] ^= 0x01;
      case "swap" -> new java.util.Random(18).nextBytes(body);
      case "digest" -> ex.getResponseHeaders().set("Docker-Content-Digest", Digest.of("another manifest".getBytes(StandardCharsets.UTF_8)));
      default -> throw new IllegalArgumentException(kind);
    }
    ex.sendResponseHeaders(200, body.length);
    ex.getResponseBody().write(body);
    ex.close();
  }

  /** Retries fast, and gives up on a body that sends nothing for 300 ms. */
  static final RegistryClient.RetryPolicy IMPATIENT = new RegistryClient.RetryPolicy(4, Duration.ofMillis(20), Duration.ofMillis(200), Duration.ofMillis(300));

  RegistryTransport transport() {
    return new RegistryTransport(Map.of("PATH", "/usr/bin:/bin", "HOME", tmp.resolve("home").toString()), IMPATIENT);
  }

  TransportOptions options() {
    return TransportOptions.builder().tlsVerify(false).tempDir(tmp).build();
  }

  long count(String prefix) {
    return seen.stream().filter(s -> s.startsWith(prefix)).count();
  }

  @Test
  void aManifestReadIsRetriedAfter503() throws Exception {
    TestImage t = TestImage.twoLayers("amd64", "retry-read");
    transport().write(t.image("test"), host() + "/retry/read:1", options());
    fail("GET", "/manifests/1", 503, 2);
    try (Image back = transport().read(host() + "/retry/read:1", options())) {
      assertThat(Digest.of(back.manifestBytes(ManifestFormat.OCI))).isEqualTo(Digest.of(t.manifestBytes()));
    }
    assertThat(seen).filteredOn(s -> s.startsWith("GET /v2/retry/read/manifests/1"))
        .containsExactly("GET /v2/retry/read/manifests/1 -> 503", "GET /v2/retry/read/manifests/1 -> 503", "GET /v2/retry/read/manifests/1");
  }

  @Test
  void aFailedBlobUploadStartsOverAndA429IsWaitedOut() throws Exception {
    TestImage t = TestImage.twoLayers("amd64", "retry-push");
    fail("PUT", "/blobs/uploads/", 500, 1);
    transport().write(t.image("test"), host() + "/retry/push:1", options());
    // The first blob's upload failed once and started over with a new POST: 3 blobs, 4 sessions.
    assertThat(count("POST /v2/retry/push/blobs/uploads/")).isEqualTo(4);
    assertThat(count("PUT /v2/retry/push/blobs/uploads/")).isEqualTo(4);
    try (Image back = transport().read(host() + "/retry/push:1", options())) {
      assertThat(back.open(back.layers().get(0)).readAllBytes()).isEqualTo(t.blobs.get(t.layers.get(0).digest()));
    }

    seen.clear();
    TestImage u = TestImage.twoLayers("amd64", "retry-429");
    fail("HEAD", "/blobs/", 429, 1);
    transport().write(u.image("test"), host() + "/retry/push:2", options());
    assertThat(seen.get(0)).startsWith("HEAD ").endsWith(" -> 429");
    assertThat(seen.get(1)).isEqualTo(seen.get(0).replace(" -> 429", ""));
  }

  @Test
  void persistentFailureGivesUpAfterTheLastAttempt() throws Exception {
    fail("GET", "/manifests/", 502, 100);
    assertThatThrownBy(() -> transport().read(host() + "/retry/gone:1", options()))
        .isInstanceOf(RegistryException.class)
        .hasMessage("docker://" + host() + "/retry/gone:1: reading manifest 1: 502 UNAVAILABLE injected 502");
    assertThat(count("GET /v2/retry/gone/manifests/1")).isEqualTo(RegistryTransportTest.FAST.attempts());
  }

  @Test
  void aRegistrySpeakingPlainHttpOnHttpsIsNotRetriedAndTheHintIsTlsVerifyFalse() throws Exception {
    AtomicInteger connections = new AtomicInteger();
    try (java.net.ServerSocket plain = new java.net.ServerSocket(0, 10, InetAddress.getLoopbackAddress())) {
      Thread server = new Thread(() -> {
        while (!plain.isClosed()) {
          try (java.net.Socket s = plain.accept()) {
            connections.incrementAndGet();
            s.getOutputStream().write("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            // as a plain-HTTP server does, the connection stays open until the client closes it (closing first made the client
            // see an end of stream, not the plain answer, now and then)
            s.setSoTimeout(10_000);
            s.getInputStream().transferTo(java.io.OutputStream.nullOutputStream());
          } catch (IOException e) {
            return;
          }
        }
      });
      server.start();
      String host = "127.0.0.1:" + plain.getLocalPort();
      assertThatThrownBy(() -> transport().read(host + "/plain/app:1", TransportOptions.builder().tempDir(tmp).build()))
          .isInstanceOf(RegistryException.class)
          .hasMessageContaining(host + " speaks plain HTTP, not HTTPS")
          .hasMessageContaining("Unrecognized SSL message, plaintext connection?")
          .hasMessageEndingWith("for a registry of your own that serves plain HTTP, pass --tls-verify=false");
      // one send: the JDK's client itself now and then connects twice for it (seen: one SSLException reached shrink while this
      // server counted two connections); shrink's own retry (4 attempts) would make it 4 or more
      assertThat(connections.get()).as("shrink does not retry").isBetween(1, 2);
    }
  }

  @Test
  void clientErrorsAreNotRetried() throws Exception {
    fail("GET", "/manifests/", 400, 100);
    assertThatThrownBy(() -> transport().read(host() + "/retry/bad:1", options()))
        .isInstanceOf(RegistryException.class)
        .hasMessageContaining(": 400 ");
    assertThat(count("GET /v2/retry/bad/manifests/1")).isEqualTo(1);
  }

  @ParameterizedTest
  @ValueSource(strings = {"short", "stall"})
  void aBlobBodyThatEndsEarlyOrStallsIsResumedWhereItStopped(String kind) throws Exception {
    TestImage t = TestImage.twoLayers("amd64", "body-" + kind);
    transport().write(t.image("test"), host() + "/retry/body:1", options());
    Descriptor layer = t.layers.get(1);
    failBody("/blobs/" + layer.digest(), kind, 2);
    try (Image back = transport().read(host() + "/retry/body:1", options())) {
      assertThat(back.open(layer).readAllBytes()).isEqualTo(t.blobs.get(layer.digest()));
    }
    long half = layer.size() / 2;
    assertThat(seen).filteredOn(s -> s.startsWith("GET /v2/retry/body/blobs/" + layer.digest())).containsExactly(
        "GET /v2/retry/body/blobs/" + layer.digest() + " -> " + kind,
        "GET /v2/retry/body/blobs/" + layer.digest() + " (bytes=" + half + "-) -> " + kind,
        "GET /v2/retry/body/blobs/" + layer.digest() + " (bytes=" + half + "-)");
  }

  @Test
  void aBlobBodyThatKeepsBreakingFailsNamingTheBlob() throws Exception {
    TestImage t = TestImage.twoLayers("amd64", "body-broken");
    transport().write(t.image("test"), host() + "/retry/broken:1", options());
    Descriptor layer = t.layers.get(1);
    failBody("/blobs/" + layer.digest(), "short", 100);
    try (Image back = transport().read(host() + "/retry/broken:1", options())) {
      assertThatThrownBy(() -> back.open(layer).readAllBytes())
          .isInstanceOf(IOException.class)
          .hasMessageStartingWith("docker://" + host() + "/retry/broken:1: reading blob " + layer.digest() + ": ")
          .hasMessageContaining("gave up after " + IMPATIENT.attempts() + " attempts");
    }
  }

  /** A 429 asking to wait 1 s is waited out that long (the policy's first pause is 20 ms), then passes. */
  @Test
  void a429IsRetriedAfterTheWaitItAsksFor() throws Exception {
    TestImage t = TestImage.twoLayers("amd64", "retry-after");
    transport().write(t.image("test"), host() + "/retry/after:1", options());
    seen.clear();
    times.clear();
    retryAfter = "1";
    fail("GET", "/manifests/1", 429, 1);
    RegistryClient.RetryPolicy patient = new RegistryClient.RetryPolicy(4, Duration.ofMillis(20), Duration.ofSeconds(5), Duration.ofMillis(300));
    RegistryTransport transport = new RegistryTransport(Map.of("PATH", "/usr/bin:/bin", "HOME", tmp.resolve("home").toString()), patient);
    try (Image back = transport.read(host() + "/retry/after:1", options())) {
      assertThat(Digest.of(back.manifestBytes(ManifestFormat.OCI))).isEqualTo(Digest.of(t.manifestBytes()));
    }
    assertThat(seen.subList(0, 2)).containsExactly("GET /v2/retry/after/manifests/1 -> 429", "GET /v2/retry/after/manifests/1");
    assertThat(Duration.ofNanos(times.get(1) - times.get(0))).isGreaterThanOrEqualTo(Duration.ofMillis(950));
  }

  /**
   * A layer whose bytes change on the way (one byte flipped, or other bytes of the same size) is
   * refused when read, naming the blob and the digest it had instead; nothing built from it is used.
   */
  @ParameterizedTest
  @ValueSource(strings = {"flip", "swap"})
  void aBlobChangedOnTheWayIsRefused(String kind) throws Exception {
    TestImage t = TestImage.twoLayers("amd64", "tamper-" + kind);
    transport().write(t.image("test"), host() + "/tamper/blob:1", options());
    Descriptor layer = t.layers.get(1);
    failBody("/blobs/" + layer.digest(), kind, 100);
    try (Image back = transport().read(host() + "/tamper/blob:1", options())) {
      assertThatThrownBy(() -> back.open(layer).readAllBytes())
          .isInstanceOf(dev.shrink.image.BlobMismatchException.class)
          .hasMessageContaining(layer.digest())
          .hasMessageContaining("docker://" + host() + "/tamper/blob:1");
    }
    assertThat(count("GET /v2/tamper/blob/blobs/" + layer.digest())).isGreaterThanOrEqualTo(1);
  }

  /** A manifest whose Docker-Content-Digest is not its digest is refused, naming both. */
  @Test
  void aWrongDockerContentDigestIsRefused() throws Exception {
    TestImage t = TestImage.twoLayers("amd64", "tamper-header");
    transport().write(t.image("test"), host() + "/tamper/header:1", options());
    failBody("/manifests/1", "digest", 100);
    assertThatThrownBy(() -> transport().read(host() + "/tamper/header:1", options()))
        .isInstanceOf(dev.shrink.image.ImageException.class)
        .hasMessageContaining(Digest.of("another manifest".getBytes(StandardCharsets.UTF_8)))
        .hasMessageContaining(Digest.of(t.manifestBytes()));
  }
}

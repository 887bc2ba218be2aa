package dev.shrink.transport.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.shrink.image.Digest;
import dev.shrink.image.Image;
import dev.shrink.image.ManifestFormat;
import dev.shrink.json.Json;
import dev.shrink.testing.LocalRegistry;
import dev.shrink.testing.NeedsEngine;
import dev.shrink.transport.TransportOptions;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The bearer-token dance against a real registry: docker-registry with {@code auth: token}, and a
 * token server in this test that signs JWTs (RS256, with its certificate in {@code x5c}) for
 * {@code alice:s3cret} or for a refresh token.
 */
@NeedsEngine
class RegistryBearerTest {
  static final String SERVICE = "shrink-test-registry";
  static final String ISSUER = "shrink-test-issuer";
  static final String REFRESH = "refresh-" + UUID.randomUUID();

  static Path keys;
  static PrivateKey key;
  static X509Certificate cert;
  static HttpServer tokenServer;
  static LocalRegistry registry;
  static final List<String> tokenRequests = new CopyOnWriteArrayList<>();

  @TempDir Path tmp;

  @BeforeAll
  static void start() throws Exception {
    assumeTrue(LocalRegistry.available(), "docker-registry is not installed");
    keys = Files.createTempDirectory("shrink-token-");
    Process p = new ProcessBuilder("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
        "-subj", "/CN=shrink-test-token", "-keyout", keys.resolve("key.pem").toString(), "-out", keys.resolve("cert.pem").toString())
        .redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assumeTrue(p.waitFor() == 0, "openssl could not make a key: " + out);
    String pem = Files.readString(keys.resolve("key.pem")).replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
    key = KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(pem)));
    try (InputStream in = Files.newInputStream(keys.resolve("cert.pem"))) {
      cert = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
    }
    tokenServer = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    tokenServer.createContext("/token", RegistryBearerTest::token);
    tokenServer.start();
    String realm = "http://127.0.0.1:" + tokenServer.getAddress().getPort() + "/token";
    registry = LocalRegistry.startWithTokenAuth(realm, SERVICE, ISSUER, keys.resolve("cert.pem"));
  }

  @AfterAll
  static void stop() {
    if (registry != null) {
      registry.close();
    }
    if (tokenServer != null) {
      tokenServer.stop(0);
    }
    if (keys != null) {
      LocalRegistryCleanup.delete(keys);
    }
  }

  /** GET with basic auth (docker's way) or POST with a refresh token (OAuth2); answers a signed JWT for the scopes asked. */
  static void token(HttpExchange ex) throws IOException {
    Map<String, List<String>> params = new HashMap<>();
    String query = ex.getRequestURI().getRawQuery();
    String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
    for (String source : new String[] {query, ex.getRequestMethod().equals("POST") ? body : null}) {
      if (source == null) {
        continue;
      }
      for (String pair : source.split("&")) {
        int eq = pair.indexOf('=');
        if (eq > 0) {
          params.computeIfAbsent(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8), k -> new ArrayList<>())
              .add(URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
      }
    }
    String auth = ex.getRequestHeaders().getFirst("Authorization");
    boolean basicOk = ("Basic " + RegistryTransportTest.basicAuth("alice", "s3cret")).equals(auth);
    boolean refreshOk = ex.getRequestMethod().equals("POST")
        && List.of("refresh_token").equals(params.get("grant_type")) && List.of(REFRESH).equals(params.get("refresh_token"));
    tokenRequests.add(ex.getRequestMethod() + " " + params.getOrDefault("scope", List.of()) + (basicOk ? " basic" : refreshOk ? " refresh" : " anonymous"));
    byte[] answer;
    int status;
    if (!basicOk && !refreshOk) {
      status = 401;
      answer = "{\"errors\":[{\"code\":\"UNAUTHORIZED\",\"message\":\"token server: bad credentials\"}]}".getBytes(StandardCharsets.UTF_8);
    } else {
      status = 200;
      String jwt = jwt(params.getOrDefault("scope", List.of()), basicOk ? "alice" : "refresh");
      answer = (refreshOk ? "{\"access_token\":\"" + jwt + "\",\"expires_in\":300}" : "{\"token\":\"" + jwt + "\",\"expires_in\":300}")
          .getBytes(StandardCharsets.UTF_8);
    }
    ex.getResponseHeaders().set("Content-Type", "application/json");
    ex.sendResponseHeaders(status, answer.length);
    ex.getResponseBody().write(answer);
    ex.close();
  }

  static String jwt(List<String> scopes, String subject) {
    try {
      Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
      ObjectNode header = Json.object();
      header.put("typ", "JWT");
      header.put("alg", "RS256");
      header.putArray("x5c").add(Base64.getEncoder().encodeToString(cert.getEncoded()));
      long now = System.currentTimeMillis() / 1000;
      ObjectNode claims = Json.object();
      claims.put("iss", ISSUER);
      claims.put("sub", subject);
      claims.put("aud", SERVICE);
      claims.put("exp", now + 300);
      claims.put("nbf", now - 10);
      claims.put("iat", now);
      claims.put("jti", UUID.randomUUID().toString());
      ArrayNode access = claims.putArray("access");
      for (String scope : scopes) {
        for (String one : scope.split(" ")) {
          String[] parts = one.split(":");
          if (parts.length == 3 && parts[0].equals("repository")) {
            ObjectNode a = access.addObject();
            a.put("type", "repository");
            a.put("name", parts[1]);
            ArrayNode actions = a.putArray("actions");
            for (String action : parts[2].split(",")) {
              actions.add(action);
            }
          }
        }
      }
      String signingInput = b64.encodeToString(Json.bytes(header)) + "." + b64.encodeToString(Json.bytes(claims));
      Signature sig = Signature.getInstance("SHA256withRSA");
      sig.initSign(key);
      sig.update(signingInput.getBytes(StandardCharsets.US_ASCII));
      return signingInput + "." + b64.encodeToString(sig.sign());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  RegistryTransport transport() {
    return new RegistryTransport(Map.of("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"),
        "HOME", tmp.resolve("home").toString()), RegistryTransportTest.FAST);
  }

  TransportOptions options() {
    return TransportOptions.builder().tlsVerify(false).tempDir(tmp).build();
  }

  @Test
  void pushesAndPullsWithATokenForBasicCredentials() throws Exception {
    TestImage t = TestImage.twoLayers("amd64", "bearer");
    String spec = registry.host() + "/bearer/app:1";
    tokenRequests.clear();
    transport().write(t.image("test"), spec, options().toBuilder().creds("alice:s3cret").build());
    // One token for the whole push, with push rights.
    assertThat(tokenRequests).containsExactly("GET [repository:bearer/app:pull,push] basic");
    try (Image back = transport().read(spec, options().toBuilder().creds("alice:s3cret").build())) {
      assertThat(Digest.of(back.manifestBytes(ManifestFormat.OCI))).isEqualTo(Digest.of(t.manifestBytes()));
      assertThat(back.open(back.layers().get(0)).readAllBytes()).isEqualTo(t.blobs.get(back.layers().get(0).digest()));
    }
    assertThat(tokenRequests).last().isEqualTo("GET [repository:bearer/app:pull] basic");
  }

  @Test
  void anIdentityTokenIsExchangedByTheRefreshFlow() throws Exception {
    Path file = tmp.resolve("auth.json");
    Files.writeString(file, "{\"auths\":{\"" + registry.host() + "\":{\"auth\":\"\",\"identitytoken\":\"" + REFRESH + "\"}}}");
    TestImage t = TestImage.twoLayers("amd64", "refresh");
    tokenRequests.clear();
    transport().write(t.image("test"), registry.host() + "/bearer/refresh:1", options().toBuilder().authFile(file).build());
    assertThat(tokenRequests).containsExactly("POST [repository:bearer/refresh:pull,push] refresh");
  }

  @Test
  void badCredentialsNameTheTokenServersAnswer() throws Exception {
    TestImage t = TestImage.twoLayers("amd64", "badtoken");
    String spec = registry.host() + "/bearer/bad:1";
    assertThatThrownBy(() -> transport().write(t.image("test"), spec, options().toBuilder().creds("alice:wrong").build()))
        .isInstanceOf(RegistryException.class)
        .hasMessageStartingWith("docker://" + spec + ": pushing blob " + t.layers.get(0).digest() + ": getting a token from http://127.0.0.1:")
        .hasMessageContaining("401 UNAUTHORIZED token server: bad credentials (with the credentials of user alice from --creds)");
  }
}

package dev.shrink.testing;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A real registry for tests: Debian's {@code docker-registry} (distribution 2.8) serving plain
 * HTTP on a free loopback port, storing into a temp dir, optionally behind htpasswd (bcrypt) or
 * bearer-token auth. Its access log is kept, so a test can see which requests were made.
 *
 * <pre>{@code
 * try (LocalRegistry reg = LocalRegistry.start()) {
 *   String ref = "docker://" + reg.host() + "/app:1";
 * }
 * }</pre>
 *
 * Skips the calling test (a JUnit assumption) when {@code docker-registry} is not installed.
 */
public final class LocalRegistry implements AutoCloseable {
  public static final String BINARY = "docker-registry";
  private static final Pattern ACCESS = Pattern.compile("\"([A-Z]+) (\\S+) HTTP/[0-9.]+\" (\\d{3}) ");

  private final Path dir;
  private final Process process;
  private final int port;
  private final Path log;

  private LocalRegistry(Path dir, Process process, int port, Path log) {
    this.dir = dir;
    this.process = process;
    this.port = port;
    this.log = log;
  }

  /** An anonymous registry: anyone may pull and push. */
  public static LocalRegistry start() throws IOException {
    return start(null);
  }

  /** A registry that wants basic auth for every request, with one user (bcrypt htpasswd). */
  public static LocalRegistry startWithBasicAuth(String user, String password) throws IOException {
    assumeTrue(available(), BINARY + " is not installed (Debian package docker-registry)");
    Path dir = Files.createTempDirectory("shrink-registry-");
    Path htpasswd = dir.resolve("htpasswd");
    String line = run(List.of("htpasswd", "-Bbn", user, password)).strip();
    Files.writeString(htpasswd, line + "\n");
    return start(dir, "auth:\n  htpasswd:\n    realm: shrink-test\n    path: " + htpasswd + "\n");
  }

  /**
   * A registry that wants bearer tokens from {@code realm}, signed by the key whose self-signed
   * certificate is {@code rootCertBundle} (a token server in the test issues them).
   */
  public static LocalRegistry startWithTokenAuth(String realm, String service, String issuer, Path rootCertBundle) throws IOException {
    assumeTrue(available(), BINARY + " is not installed (Debian package docker-registry)");
    return start(Files.createTempDirectory("shrink-registry-"), "auth:\n  token:\n    realm: " + realm + "\n    service: " + service
        + "\n    issuer: " + issuer + "\n    rootcertbundle: " + rootCertBundle + "\n");
  }

  private static LocalRegistry start(String auth) throws IOException {
    return start(Files.createTempDirectory("shrink-registry-"), auth);
  }

  public static boolean available() {
    String path = System.getenv().getOrDefault("PATH", "");
    for (String d : path.split(File.pathSeparator)) {
      if (!d.isEmpty() && Files.isExecutable(Path.of(d, BINARY))) {
        return true;
      }
    }
    return false;
  }

  private static LocalRegistry start(Path dir, String auth) throws IOException {
    assumeTrue(available(), BINARY + " is not installed (Debian package docker-registry)");
    IOException last = null;
    for (int attempt = 0; attempt < 3; attempt++) {
      int port = freePort();
      Path config = dir.resolve("config-" + port + ".yml");
      Path log = dir.resolve("registry-" + port + ".log");
      Files.writeString(config, "version: 0.1\n"
          + "log:\n  level: warn\n"
          + "storage:\n  filesystem:\n    rootdirectory: " + dir.resolve("data") + "\n  delete:\n    enabled: true\n"
          + "http:\n  addr: 127.0.0.1:" + port + "\n  secret: shrink-test-secret\n"
          + (auth == null ? "" : auth));
      Process p = new ProcessBuilder(BINARY, "serve", config.toString())
          .redirectErrorStream(true)
          .redirectOutput(log.toFile())
          .start();
      LocalRegistry reg = new LocalRegistry(dir, p, port, log);
      try {
        reg.awaitReady();
        return reg;
      } catch (IOException e) {
        last = e;
        p.destroy();
        try {
          p.waitFor(5, TimeUnit.SECONDS);
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          break;
        }
      }
    }
    deleteTree(dir);
    throw last != null ? last : new IOException("interrupted while starting " + BINARY);
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  private void awaitReady() throws IOException {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IOException(BINARY + " exited with " + process.exitValue() + ": " + logText());
      }
      try {
        HttpResponse<Void> r = http.send(HttpRequest.newBuilder(URI.create(url() + "/v2/")).timeout(Duration.ofSeconds(2)).build(),
            HttpResponse.BodyHandlers.discarding());
        if (r.statusCode() == 200 || r.statusCode() == 401) {
          return;
        }
      } catch (IOException e) {
        // not listening yet
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted", e);
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted", e);
      }
    }
    throw new IOException(BINARY + " did not answer on " + url() + "/v2/ within 15 s: " + logText());
  }

  /** {@code 127.0.0.1:PORT}, as a reference names it. */
  public String host() {
    return "127.0.0.1:" + port;
  }

  public String url() {
    return "http://" + host();
  }

  public int port() {
    return port;
  }

  /** The registry's storage directory. */
  public Path storage() {
    return dir.resolve("data");
  }

  /** One line of the access log. */
  public record Access(String method, String path, int status) {}

  /** Every request the registry has logged so far, in order. */
  public List<Access> requests() throws IOException {
    List<Access> out = new ArrayList<>();
    for (String line : Files.readAllLines(log, StandardCharsets.UTF_8)) {
      Matcher m = ACCESS.matcher(line);
      if (m.find()) {
        out.add(new Access(m.group(1), m.group(2), Integer.parseInt(m.group(3))));
      }
    }
    return out;
  }

  public String logText() {
    try {
      return Files.readString(log, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
    deleteTree(dir);
  }

  private static String run(List<String> command) throws IOException {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    try {
      if (p.waitFor() != 0) {
        throw new IOException(String.join(" ", command) + " failed: " + out);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
    return out;
  }

  static void deleteTree(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // best effort: a temp dir
    }
  }
}

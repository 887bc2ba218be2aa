package dev.shrink.transport.registry;

import dev.shrink.image.BlobMismatchException;
import dev.shrink.image.Descriptor;
import dev.shrink.image.ImageException;
import dev.shrink.image.ImageJson;
import dev.shrink.json.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import tools.jackson.databind.JsonNode;

/**
 * The registry HTTP API (OCI distribution spec / Docker Registry v2) for one repository, over
 * {@link HttpClient}: manifests, blobs, the basic and bearer-token auth dance, retries of
 * transient failures. Every error names the image, the action and the registry's answer.
 */
final class RegistryClient {
  /** What the registry may send for a manifest request; the order is a preference. */
  static final String MANIFEST_ACCEPT = String.join(", ",
      "application/vnd.oci.image.manifest.v1+json",
      "application/vnd.docker.distribution.manifest.v2+json",
      "application/vnd.oci.image.index.v1+json",
      "application/vnd.docker.distribution.manifest.list.v2+json");
  /** The OCI spec asks registries to accept manifests of at least 4 MiB; read no more than that. */
  private static final int MAX_ERROR_BODY = 64 << 10;
  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(30);
  private static final Duration HEADERS_TIMEOUT = Duration.ofMinutes(2);
  private static final int MAX_REDIRECTS = 5;

  /**
   * How often and how patiently to retry transient failures.
   *
   * @param idle how long a blob's body may send nothing before the read fails and is retried
   */
  record RetryPolicy(int attempts, Duration firstDelay, Duration maxDelay, Duration idle) {
    static final Duration IDLE = Duration.ofSeconds(60);
    static final RetryPolicy DEFAULT = new RetryPolicy(4, Duration.ofMillis(500), Duration.ofSeconds(10));

    RetryPolicy(int attempts, Duration firstDelay, Duration maxDelay) {
      this(attempts, firstDelay, maxDelay, IDLE);
    }
  }

  private final String image;
  private final RegistryRef ref;
  private final URI base;
  private final boolean push;
  private final HttpClient http;
  private final Supplier<Credentials> credentialSource;
  private final RetryPolicy retry;
  private boolean credentialsLooked;
  private Credentials credentials;
  private String authorization;

  /**
   * @param image how errors name the image, e.g. {@code docker://127.0.0.1:5000/app:1}
   * @param plainHttp talk HTTP rather than HTTPS
   * @param push ask for push rights as well as pull when authenticating
   * @param credentials looked up once, at the first challenge; may return null
   */
  RegistryClient(String image, RegistryRef ref, boolean plainHttp, boolean push, Supplier<Credentials> credentials, RetryPolicy retry) {
    this.image = image;
    this.ref = ref;
    this.base = URI.create((plainHttp ? "http" : "https") + "://" + ref.apiHost() + "/v2/");
    this.push = push;
    this.credentialSource = credentials;
    this.retry = retry;
    this.http = HttpClient.newBuilder()
        .followRedirects(HttpClient.Redirect.NEVER)
        .connectTimeout(CONNECT_TIMEOUT)
        .version(plainHttp ? HttpClient.Version.HTTP_1_1 : HttpClient.Version.HTTP_2)
        .build();
  }

  /** A manifest (or index) as the registry stores it. */
  record FetchedManifest(byte[] bytes, String mediaType, String digestHeader) {}

  // ---- manifests ----

  FetchedManifest getManifest(String reference) {
    String action = "reading manifest " + reference;
    return retrying(action, () -> {
      try (Response r = send(action, Request.get(repoUri("manifests/" + reference)).header("Accept", MANIFEST_ACCEPT), true)) {
        expect(action, r, 200);
        byte[] bytes = r.readBody(dev.shrink.image.Manifest.MAX_BYTES, action);
        String type = r.headers.firstValue("Content-Type").map(RegistryClient::mediaType).orElse("");
        return new FetchedManifest(bytes, type, r.headers.firstValue("Docker-Content-Digest").orElse(null));
      }
    });
  }

  /** PUTs manifest bytes as they are; returns the digest the registry reports, if it does. */
  Optional<String> putManifest(String reference, byte[] bytes, String mediaType) {
    String action = "pushing manifest " + reference;
    return retrying(action, () -> {
      Request req = Request.put(repoUri("manifests/" + reference), () -> new java.io.ByteArrayInputStream(bytes), bytes.length)
          .header("Content-Type", mediaType);
      try (Response r = send(action, req, false)) {
        expect(action, r, 201, 200, 202);
        return r.headers.firstValue("Docker-Content-Digest");
      }
    });
  }

  // ---- blobs ----

  /** True when the repository has the blob (HEAD); {@code action} names what it is done for in errors. */
  boolean hasBlob(String digest, String action) {
    return retrying(action, () -> {
      try (Response r = send(action, Request.head(repoUri("blobs/" + digest)), true)) {
        if (r.status == 404) {
          return false;
        }
        if (r.status == 401 || r.status == 403) {
          // A HEAD answer has no body; the same GET brings the registry's error code and message.
          try (Response g = send(action, Request.get(repoUri("blobs/" + digest)), false)) {
            if (g.status == r.status) {
              throw error(action, g);
            }
          }
        }
        expect(action, r, 200);
        return true;
      }
    });
  }

  /**
   * Opens a blob's bytes (following redirects to storage); the caller closes the stream. A body
   * that stalls or ends early is opened again where it stopped ({@link ResumingBlobStream}).
   */
  InputStream openBlob(Descriptor blob) {
    String action = "reading blob " + blob.digest();
    return new ResumingBlobStream(image + ": " + action, blob.size(), retry, from -> retrying(action, () -> {
      Request request = Request.get(repoUri("blobs/" + blob.digest()));
      if (from > 0) {
        request.header("Range", "bytes=" + from + "-");
      }
      Response r = send(action, request, true);
      try {
        if (from > 0 && r.status == 206) {
          return r.body;
        }
        expect(action, r, 200);
        r.body.skipNBytes(from);
        return r.body;
      } catch (IOException e) {
        r.close();
        throw new RegistryException(image + ": " + action + ": " + describe(e), 0, e);
      } catch (RuntimeException e) {
        r.close();
        throw e;
      }
    }));
  }

  /** Reads a small blob (a config) whole. */
  byte[] getBlob(String digest, int max) {
    String action = "reading blob " + digest;
    return retrying(action, () -> {
      try (Response r = send(action, Request.get(repoUri("blobs/" + digest)), true)) {
        expect(action, r, 200);
        return r.readBody(max, action);
      }
    });
  }

  /**
   * Uploads a blob in one request (POST for an upload session, then PUT with the whole body),
   * streaming it from {@code content}; a transient failure starts the upload over.
   */
  void pushBlob(Descriptor blob, Supplier<InputStream> content) {
    String action = "pushing blob " + blob.digest();
    retrying(action, () -> {
      URI location;
      try (Response r = send(action, Request.post(repoUri("blobs/uploads/")), false)) {
        expect(action, r, 202);
        String loc = r.headers.firstValue("Location")
            .orElseThrow(() -> new RegistryException(image + ": " + action + ": the registry gave no upload location", r.status, null));
        location = r.uri.resolve(loc);
      }
      String query = location.getRawQuery();
      URI put = URI.create(location.toString() + (query == null || query.isEmpty() ? "?" : "&")
          + "digest=" + URLEncoder.encode(blob.digest(), StandardCharsets.UTF_8));
      Request req = Request.put(put, content, blob.size()).header("Content-Type", "application/octet-stream");
      req.headersTimeout = null; // the answer comes after the whole body
      try (Response r = send(action, req, false)) {
        expect(action, r, 201, 204);
      }
      return null;
    });
  }

  // ---- the HTTP layer ----

  private URI repoUri(String rest) {
    return base.resolve(ref.repository() + "/" + rest);
  }

  private static String mediaType(String contentType) {
    int semi = contentType.indexOf(';');
    return (semi < 0 ? contentType : contentType.substring(0, semi)).strip();
  }

  @FunctionalInterface
  interface Call<T> {
    T run();
  }

  /** Runs a call, again after a growing pause when it fails transiently (no connection, 5xx, 429). */
  <T> T retrying(String action, Call<T> call) {
    Duration delay = retry.firstDelay();
    for (int attempt = 1; ; attempt++) {
      try {
        return call.run();
      } catch (RegistryException e) {
        if (!e.isTransient() || attempt >= retry.attempts()) {
          throw e;
        }
        Duration wait = delay;
        if (e.retryAfter() != null) {
          wait = e.retryAfter().compareTo(retry.maxDelay()) > 0 ? retry.maxDelay() : e.retryAfter();
        }
        try {
          Thread.sleep(wait.toMillis());
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          throw new ImageException(image + ": " + action + ": interrupted", ie);
        }
        delay = delay.multipliedBy(2).compareTo(retry.maxDelay()) > 0 ? retry.maxDelay() : delay.multipliedBy(2);
      }
    }
  }

  static final class Request {
    final String method;
    final URI uri;
    final List<String[]> headers = new ArrayList<>();
    final Supplier<InputStream> body;
    final long length;
    Duration headersTimeout = HEADERS_TIMEOUT;

    private Request(String method, URI uri, Supplier<InputStream> body, long length) {
      this.method = method;
      this.uri = uri;
      this.body = body;
      this.length = length;
    }

    static Request get(URI uri) {
      return new Request("GET", uri, null, 0);
    }

    static Request head(URI uri) {
      return new Request("HEAD", uri, null, 0);
    }

    static Request post(URI uri) {
      return new Request("POST", uri, null, 0);
    }

    static Request put(URI uri, Supplier<InputStream> body, long length) {
      return new Request("PUT", uri, body, length);
    }

    Request header(String name, String value) {
      headers.add(new String[] {name, value});
      return this;
    }

    Request at(URI other) {
      Request r = new Request(method, other, body, length);
      r.headers.addAll(headers);
      r.headersTimeout = headersTimeout;
      return r;
    }
  }

  /** A response whose body is still a stream; close it when done. */
  static final class Response implements AutoCloseable {
    final int status;
    final HttpHeaders headers;
    final InputStream body;
    final URI uri;

    Response(HttpResponse<InputStream> r) {
      this.status = r.statusCode();
      this.headers = r.headers();
      this.body = r.body();
      this.uri = r.uri();
    }

    byte[] readBody(int max, String what) {
      try (InputStream in = body) {
        byte[] bytes = in.readNBytes(max + 1);
        if (bytes.length > max) {
          throw new ImageException(what + ": the answer is larger than " + max + " bytes");
        }
        return bytes;
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    @Override
    public void close() {
      try {
        body.close();
      } catch (IOException e) {
        // nothing left to read from it
      }
    }
  }

  /**
   * Sends a request with the current authorization; on 401 authenticates from the challenge and
   * sends it again (once more if a cached token has expired). Follows redirects for reads,
   * dropping the authorization when they leave the registry's host.
   */
  private Response send(String action, Request request, boolean followRedirects) {
    String tried = null;
    for (int round = 0; ; round++) {
      Response r = exchange(action, request, authorization, followRedirects);
      if (r.status != 401 || round == 2) {
        return r;
      }
      String next = authorize(action, Challenge.parse(r.headers.firstValue("WWW-Authenticate").orElse(null)));
      if (next == null || next.equals(tried)) {
        return r;
      }
      r.close();
      authorization = next;
      tried = next;
    }
  }

  private Response exchange(String action, Request request, String auth, boolean followRedirects) {
    Request current = request;
    String currentAuth = auth;
    for (int hop = 0; ; hop++) {
      HttpRequest.Builder b = HttpRequest.newBuilder(current.uri).header("User-Agent", "shrink");
      if (current.headersTimeout != null) {
        b.timeout(current.headersTimeout);
      }
      for (String[] h : current.headers) {
        b.header(h[0], h[1]);
      }
      if (currentAuth != null) {
        b.header("Authorization", currentAuth);
      }
      b.method(current.method, current.body == null
          ? HttpRequest.BodyPublishers.noBody()
          : HttpRequest.BodyPublishers.fromPublisher(HttpRequest.BodyPublishers.ofInputStream(current.body), current.length));
      HttpResponse<InputStream> raw;
      try {
        raw = http.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new ImageException(image + ": " + action + ": interrupted", e);
      } catch (IOException e) {
        ImageException own = ownCause(e);
        if (own != null) {
          throw own;
        }
        if (e instanceof javax.net.ssl.SSLException && String.valueOf(e.getMessage()).contains("plaintext")) {
          // not transient: every try would get the same plain-HTTP answer
          throw new RegistryException(image + ": " + action + ": " + current.uri.getAuthority() + " speaks plain HTTP, not HTTPS ("
              + describe(e) + "); for a registry of your own that serves plain HTTP, pass --tls-verify=false", -1, e);
        }
        throw new RegistryException(image + ": " + action + ": cannot reach " + current.uri.getScheme() + "://"
            + current.uri.getAuthority() + ": " + describe(e), 0, e);
      }
      Response r = new Response(raw);
      boolean redirect = r.status == 301 || r.status == 302 || r.status == 303 || r.status == 307 || r.status == 308;
      if (!followRedirects || !redirect) {
        return r;
      }
      Optional<String> location = r.headers.firstValue("Location");
      r.close();
      if (location.isEmpty() || hop >= MAX_REDIRECTS) {
        throw new RegistryException(image + ": " + action + ": too many or broken redirects from " + current.uri, r.status, null);
      }
      URI next = current.uri.resolve(location.get());
      if (!sameOrigin(next, request.uri)) {
        currentAuth = null;
      }
      current = current.at(next);
    }
  }

  private static boolean sameOrigin(URI a, URI b) {
    return a.getScheme().equalsIgnoreCase(b.getScheme()) && a.getAuthority().equalsIgnoreCase(b.getAuthority());
  }

  /** A failure of our own content (a source blob that does not match) surfaces through the HTTP client. */
  private static ImageException ownCause(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof ImageException ie) {
        return ie;
      }
      if (t instanceof BlobMismatchException || t instanceof UncheckedIOException) {
        return new ImageException(t.getMessage(), t);
      }
    }
    return null;
  }

  private static String describe(Throwable e) {
    StringBuilder text = new StringBuilder(e.getClass().getSimpleName());
    java.util.Set<String> seen = new java.util.LinkedHashSet<>();
    for (Throwable t = e; t != null && seen.size() < 4; t = t.getCause()) {
      if (t.getMessage() != null && !t.getMessage().isBlank()) {
        seen.add(t.getMessage().strip());
      }
    }
    if (seen.isEmpty() && e instanceof java.net.ConnectException) {
      seen.add("connection refused");
    }
    if (!seen.isEmpty()) {
      text.append(": ").append(String.join(": ", seen));
    }
    return text.toString();
  }

  // ---- authentication ----

  private Credentials credentials() {
    if (!credentialsLooked) {
      credentialsLooked = true;
      credentials = credentialSource.get();
    }
    return credentials;
  }

  /** The Authorization header a challenge asks for, or null when there is none to give. */
  private String authorize(String action, Challenge challenge) {
    if (challenge == null) {
      return null;
    }
    switch (challenge.scheme()) {
      case "basic": {
        Credentials c = credentials();
        if (c == null || c.isIdentityToken()) {
          return null;
        }
        return basic(c);
      }
      case "bearer":
        return "Bearer " + token(action, challenge);
      default:
        return null;
    }
  }

  private static String basic(Credentials c) {
    return "Basic " + Base64.getEncoder().encodeToString((c.user() + ":" + c.secret()).getBytes(StandardCharsets.UTF_8));
  }

  /** Gets a bearer token from the realm the registry named (GET with basic auth, or the OAuth2 refresh flow). */
  private String token(String action, Challenge challenge) {
    String realm = challenge.param("realm");
    if (realm == null || realm.isEmpty()) {
      throw new RegistryException(image + ": " + action + ": the registry asked for a bearer token but named no realm", 401, null);
    }
    URI realmUri;
    try {
      realmUri = URI.create(realm);
    } catch (IllegalArgumentException e) {
      throw new RegistryException(image + ": " + action + ": bad token realm '" + realm + "'", 401, e);
    }
    List<String> scopes = new ArrayList<>();
    List<String> actions = push ? List.of("pull", "push") : List.of("pull");
    String own = "repository:" + ref.repository() + ":";
    scopes.add(own + String.join(",", actions));
    String asked = challenge.param("scope");
    if (asked != null && !asked.isEmpty()) {
      for (String s : asked.split(" ")) {
        boolean covered = s.startsWith(own) && actions.containsAll(List.of(s.substring(own.length()).split(",")));
        if (!s.isEmpty() && !covered && !scopes.contains(s)) {
          scopes.add(s);
        }
      }
    }
    String service = challenge.param("service");
    Credentials c = credentials();
    String tokenAction = action + ": getting a token from " + realm;
    return retrying(tokenAction, () -> {
      Request req;
      if (c != null && c.isIdentityToken()) {
        StringBuilder form = new StringBuilder("grant_type=refresh_token&client_id=shrink&refresh_token=" + enc(c.secret()));
        if (service != null) {
          form.append("&service=").append(enc(service));
        }
        form.append("&scope=").append(enc(String.join(" ", scopes)));
        byte[] bytes = form.toString().getBytes(StandardCharsets.UTF_8);
        req = new Request("POST", realmUri, () -> new java.io.ByteArrayInputStream(bytes), bytes.length)
            .header("Content-Type", "application/x-www-form-urlencoded");
      } else {
        StringBuilder q = new StringBuilder();
        if (service != null) {
          q.append("service=").append(enc(service));
        }
        for (String s : scopes) {
          q.append(q.length() == 0 ? "" : "&").append("scope=").append(enc(s));
        }
        String sep = realmUri.getRawQuery() == null ? "?" : "&";
        req = Request.get(URI.create(realm + (q.length() == 0 ? "" : sep + q)));
        if (c != null) {
          req.header("Authorization", basic(c));
        }
      }
      try (Response r = exchange(tokenAction, req, null, true)) {
        expect(tokenAction, r, 200);
        JsonNode json = ImageJson.parse(r.readBody(1 << 20, tokenAction), "the token server's answer");
        String token = json.path("token").asString("");
        if (token.isEmpty()) {
          token = json.path("access_token").asString("");
        }
        if (token.isEmpty()) {
          throw new RegistryException(image + ": " + tokenAction + ": the answer has no token", r.status, null);
        }
        return token;
      }
    });
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  // ---- errors ----

  private void expect(String action, Response r, int... ok) {
    for (int s : ok) {
      if (r.status == s) {
        return;
      }
    }
    throw error(action, r);
  }

  /** {@code IMAGE: ACTION: 401 UNAUTHORIZED authentication required}, from the registry's error JSON when there is one. */
  private RegistryException error(String action, Response r) {
    String detail = "";
    try (r) {
      byte[] body = r.body.readNBytes(MAX_ERROR_BODY);
      detail = errorText(body);
    } catch (IOException e) {
      // the status alone has to do
    }
    StringBuilder m = new StringBuilder(image).append(": ").append(action).append(": ").append(r.status);
    m.append(detail.isEmpty() ? " " + reason(r.status) : " " + detail);
    if (r.status == 401 || r.status == 403) {
      Credentials c = credentialsLooked ? credentials : null;
      if (c == null) {
        m.append(" (no credentials for ").append(ref.host())
            .append(" were found: pass --creds USER:PASSWORD, --authfile FILE, or log in with podman login or docker login)");
      } else {
        m.append(" (with the credentials of ").append(c.user().equals(Credentials.TOKEN_USER) ? "an identity token" : "user " + c.user())
            .append(" from ").append(c.source()).append(")");
      }
    }
    RegistryException e = new RegistryException(m.toString(), r.status, null);
    if (r.status == 429 || r.status == 503) {
      e.retryAfter(r.headers.firstValue("Retry-After").map(RegistryClient::seconds).orElse(null));
    }
    return e;
  }

  private static Duration seconds(String value) {
    try {
      return Duration.ofSeconds(Math.max(0, Long.parseLong(value.strip())));
    } catch (NumberFormatException e) {
      return null;
    }
  }

  /** {@code CODE message; CODE message} from {@code {"errors":[...]}}, else the start of the body as text. */
  static String errorText(byte[] body) {
    if (body.length == 0) {
      return "";
    }
    try {
      JsonNode root = Json.MAPPER.readTree(body);
      if (root != null && root.path("errors").isArray()) {
        List<String> parts = new ArrayList<>();
        for (JsonNode err : root.path("errors").values()) {
          String code = err.path("code").asString("");
          String message = err.path("message").asString("");
          JsonNode detail = err.path("detail");
          String d = detail.isString() ? detail.asString() : "";
          parts.add((code + " " + message + (d.isEmpty() || message.contains(d) ? "" : " (" + d + ")")).strip());
        }
        return String.join("; ", parts);
      }
    } catch (RuntimeException e) {
      // not JSON
    }
    String text = new String(body, StandardCharsets.UTF_8).replaceAll("\\s+", " ").strip();
    return text.length() > 200 ? text.substring(0, 200) + "..." : text;
  }

  private static String reason(int status) {
    return switch (status) {
      case 400 -> "Bad Request";
      case 401 -> "Unauthorized";
      case 403 -> "Forbidden";
      case 404 -> "Not Found";
      case 405 -> "Method Not Allowed";
      case 409 -> "Conflict";
      case 413 -> "Payload Too Large";
      case 416 -> "Range Not Satisfiable";
      case 429 -> "Too Many Requests";
      case 500 -> "Internal Server Error";
      case 502 -> "Bad Gateway";
      case 503 -> "Service Unavailable";
      case 504 -> "Gateway Timeout";
      default -> "HTTP " + status;
    };
  }
}

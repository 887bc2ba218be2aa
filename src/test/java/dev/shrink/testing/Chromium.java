package dev.shrink.testing;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Assumptions;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * A headless Chromium (Debian's {@code chromium}) driven over its DevTools protocol: one page, commands
 * sent over a {@link WebSocket}, events recorded. No Selenium, no driver binary.
 */
public final class Chromium implements AutoCloseable {
  private static final Duration TIMEOUT = Duration.ofSeconds(60);
  private static final JsonMapper JSON = JsonMapper.builder().build();

  private final Process process;
  private final Path profile;
  private final Path log;
  private final WebSocket socket;
  private final AtomicInteger ids = new AtomicInteger();
  private final Map<Integer, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
  private final Map<String, CompletableFuture<JsonNode>> awaited = new ConcurrentHashMap<>();
  private final List<JsonNode> events = new ArrayList<>();

  private Chromium(Process process, Path profile, Path log, WebSocket.Builder builder, URI page) {
    this.process = process;
    this.profile = profile;
    this.log = log;
    this.socket = builder.buildAsync(page, new Listener()).orTimeout(TIMEOUT.toSeconds(), TimeUnit.SECONDS).join();
  }

  public static boolean available() {
    return Processes.onPath("chromium");
  }

  /** Skips the calling test when chromium is not installed, unless CI is set: then it is a failure. */
  public static void assumeAvailable() {
    if (System.getenv("CI") != null && !available()) {
      throw new IllegalStateException("chromium is not installed (CI is set, so this is a failure): apt-get install chromium");
    }
    Assumptions.assumeTrue(available(), "chromium is not installed");
  }

  /**
   * Starts {@code chromium --headless} with its profile in {@code dir} and a window of this size, and
   * connects to its page, with the Page, Runtime, Log and Network domains enabled.
   */
  public static Chromium start(Path dir, int width, int height) throws IOException, InterruptedException {
    Path profile = Files.createDirectories(dir.resolve("profile"));
    Path log = dir.resolve("chromium.log");
    Process process = new ProcessBuilder("chromium", "--headless=new", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
        "--no-first-run", "--no-default-browser-check", "--remote-debugging-port=0", "--user-data-dir=" + profile,
        "--window-size=" + width + "," + height, "about:blank")
        .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    try {
      // chromium writes its port, then the browser's path, into DevToolsActivePort when it listens
      Path active = profile.resolve("DevToolsActivePort");
      long deadline = System.nanoTime() + TIMEOUT.toNanos();
      while (!Files.exists(active) || Files.readAllLines(active).size() < 2) {
        if (!process.isAlive() || System.nanoTime() > deadline) {
          throw new IllegalStateException("chromium did not start its DevTools server:\n" + Files.readString(log));
        }
        Thread.sleep(100);
      }
      int port = Integer.parseInt(Files.readAllLines(active).get(0).strip());
      HttpClient http = HttpClient.newHttpClient();
      String targets = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/json/list")).timeout(TIMEOUT).build(),
          HttpResponse.BodyHandlers.ofString()).body();
      URI page = null;
      for (JsonNode t : JSON.readTree(targets)) {
        if (t.path("type").asString().equals("page")) {
          page = URI.create(t.path("webSocketDebuggerUrl").asString());
        }
      }
      if (page == null) {
        throw new IllegalStateException("chromium has no page target: " + targets);
      }
      Chromium c = new Chromium(process, profile, log, http.newWebSocketBuilder(), page);
      for (String domain : List.of("Page", "Runtime", "Log", "Network")) {
        c.send(domain + ".enable", JSON.createObjectNode());
      }
      return c;
    } catch (IOException | InterruptedException | RuntimeException e) {
      stop(process);
      throw e;
    }
  }

  /** Sends a command and waits for its result; a protocol error is an {@link IllegalStateException}. */
  public JsonNode send(String method, ObjectNode params) {
    int id = ids.incrementAndGet();
    CompletableFuture<JsonNode> answer = new CompletableFuture<>();
    pending.put(id, answer);
    ObjectNode message = JSON.createObjectNode().put("id", id).put("method", method);
    message.set("params", params);
    socket.sendText(JSON.writeValueAsString(message), true).join();
    JsonNode reply = answer.orTimeout(TIMEOUT.toSeconds(), TimeUnit.SECONDS).join();
    if (reply.has("error")) {
      throw new IllegalStateException(method + ": " + reply.get("error"));
    }
    return reply.path("result");
  }

  /** Opens {@code url} and waits for its load event. */
  public void navigate(String url) {
    CompletableFuture<JsonNode> loaded = new CompletableFuture<>();
    awaited.put("Page.loadEventFired", loaded);
    JsonNode result = send("Page.navigate", JSON.createObjectNode().put("url", url));
    if (result.has("errorText")) {
      throw new IllegalStateException("cannot open " + url + ": " + result.get("errorText").asString());
    }
    loaded.orTimeout(TIMEOUT.toSeconds(), TimeUnit.SECONDS).join();
  }

  /** The value of a JavaScript expression in the page (JSON-serialisable); a thrown exception is an {@link IllegalStateException}. */
  public JsonNode evaluate(String expression) {
    JsonNode result = send("Runtime.evaluate", JSON.createObjectNode().put("expression", expression).put("returnByValue", true)
        .put("awaitPromise", true));
    if (result.has("exceptionDetails")) {
      throw new IllegalStateException(expression + " threw: " + result.get("exceptionDetails"));
    }
    return result.path("result").path("value");
  }

  /** A left click at this point of the viewport, as a mouse makes it (moved, pressed, released). */
  public void click(double x, double y) {
    send("Input.dispatchMouseEvent", JSON.createObjectNode().put("type", "mouseMoved").put("x", x).put("y", y));
    for (String type : List.of("mousePressed", "mouseReleased")) {
      send("Input.dispatchMouseEvent", JSON.createObjectNode().put("type", type).put("x", x).put("y", y).put("button", "left")
          .put("clickCount", 1));
    }
  }

  /** A PNG of the page's top left {@code width} x {@code height} CSS pixels, beyond the viewport if need be. */
  public byte[] screenshot(double width, double height) {
    ObjectNode params = JSON.createObjectNode().put("format", "png").put("captureBeyondViewport", true);
    params.putObject("clip").put("x", 0).put("y", 0).put("width", width).put("height", height).put("scale", 1);
    return Base64.getDecoder().decode(send("Page.captureScreenshot", params).path("data").asString());
  }

  /** The events received so far with this method name. */
  public List<JsonNode> events(String method) {
    synchronized (events) {
      return events.stream().filter(e -> e.path("method").asString().equals(method)).map(e -> e.path("params")).toList();
    }
  }

  /**
   * What went wrong in the page so far: uncaught exceptions, console.error calls, and errors the
   * browser logged (a refused load, a Content-Security-Policy violation).
   */
  public List<String> errors() {
    List<String> out = new ArrayList<>();
    events("Runtime.exceptionThrown").forEach(e -> out.add("exception: " + e.path("exceptionDetails")));
    events("Runtime.consoleAPICalled").stream().filter(e -> e.path("type").asString().equals("error"))
        .forEach(e -> out.add("console.error: " + e.path("args")));
    events("Log.entryAdded").stream().filter(e -> e.path("entry").path("level").asString().equals("error"))
        .forEach(e -> out.add("log: " + e.path("entry")));
    return out;
  }

  /** What chromium printed (for a failing test's message). */
  public String log() throws IOException {
    return Files.readString(log);
  }

  @Override
  public void close() throws IOException {
    socket.abort();
    stop(process);
    // links to chromium's sockets outside the profile, which JUnit's @TempDir warns about
    for (String link : List.of("SingletonSocket", "SingletonLock", "SingletonCookie")) {
      Files.deleteIfExists(profile.resolve(link));
    }
  }

  private static void stop(Process process) {
    process.descendants().forEach(ProcessHandle::destroyForcibly);
    process.destroyForcibly();
    try {
      process.waitFor(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private final class Listener implements WebSocket.Listener {
    private final StringBuilder text = new StringBuilder();

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
      text.append(data);
      if (last) {
        JsonNode message = JSON.readTree(text.toString());
        text.setLength(0);
        if (message.has("id")) {
          CompletableFuture<JsonNode> answer = pending.remove(message.get("id").asInt());
          if (answer != null) {
            answer.complete(message);
          }
        } else {
          synchronized (events) {
            events.add(message);
          }
          CompletableFuture<JsonNode> waiter = awaited.remove(message.path("method").asString());
          if (waiter != null) {
            waiter.complete(message);
          }
        }
      }
      webSocket.request(1);
      return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
      pending.values().forEach(f -> f.completeExceptionally(error));
    }
  }
}

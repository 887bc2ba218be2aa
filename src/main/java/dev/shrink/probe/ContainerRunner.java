package dev.shrink.probe;

import dev.shrink.engine.Engine;
import dev.shrink.json.Json;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;

/**
 * Runs an image through a container engine's CLI ({@link Engine}: podman or docker, same
 * arguments) and exercises it with probes. All HTTP and script probes share one container (started
 * with the image's default command, every probed port published on 127.0.0.1); each command probe
 * is a container of its own. Containers are stopped gracefully (SIGTERM, then a wait) so exit paths run.
 */
public final class ContainerRunner {
  /**
   * HTTP/1.1 as curl and browsers speak it over plain HTTP. Java's default (HTTP/2) asks to upgrade
   * ({@code Upgrade: h2c}), which uvicorn without the websockets library answers itself with 400
   * "Unsupported upgrade request": the app never saw the probe, and the trace missed what the
   * request imports (anyio's backend for a FastAPI sync endpoint).
   */
  private static final HttpClient HTTP =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();

  /** How to run: the command line (entrypoint + cmd of the image or of the user), limits. */
  public record Settings(List<String> entrypoint, List<String> cmd, Duration startup, Duration commandTimeout, Duration stopGrace) {
    public static Settings of(List<String> entrypoint, List<String> cmd) {
      return new Settings(entrypoint, cmd, Duration.ofSeconds(60), Duration.ofSeconds(120), Duration.ofSeconds(10));
    }

    /** The image's own entrypoint and cmd, as the engine reports them; {@code entrypoint}/{@code cmd} override when not null. */
    public static Settings fromEngine(Engine engine, String image, List<String> entrypoint, List<String> cmd, Duration startup,
        Duration commandTimeout) throws IOException {
      String out = engine.check(60, "image", "inspect", "--format", "{{json .Config.Entrypoint}}\n{{json .Config.Cmd}}", image).stdout();
      String[] lines = out.strip().split("\n");
      List<String> ep = entrypoint != null ? entrypoint : jsonList(lines[0]);
      List<String> c = cmd != null ? cmd : entrypoint != null ? List.of() : jsonList(lines.length > 1 ? lines[1] : "null");
      return new Settings(ep, c, startup, commandTimeout, Duration.ofSeconds(10));
    }

    private static List<String> jsonList(String json) {
      var node = dev.shrink.json.Json.MAPPER.readTree(json);
      List<String> out = new ArrayList<>();
      if (node != null && node.isArray()) {
        node.forEach(n -> out.add(n.asString()));
      }
      return List.copyOf(out);
    }

    /** The argv a probe runs: the default command, or the entrypoint with the probe's arguments. */
    List<String> argv(Probe probe) {
      List<String> argv = new ArrayList<>(entrypoint);
      argv.addAll(probe instanceof Probe.Cmd c && !c.args().isEmpty() ? c.args() : cmd);
      return argv;
    }
  }

  /** Wraps the argv of a run (for tracing) and adds run options; {@link #NONE} runs the image as it is. */
  public interface Wrapper {
    Wrapper NONE = new Wrapper() {};

    default List<String> runOptions() {
      return List.of();
    }

    /** The command to start instead of {@code argv}, or null to start the image's own. */
    default List<String> command(List<String> argv) {
      return null;
    }

    /** True when PID 1 of the container is the wrapper, which does not pass SIGTERM on: the stop signals its children. */
    default boolean signalChildren() {
      return false;
    }
  }

  private final Engine engine;
  private final Settings settings;

  public ContainerRunner(Engine engine, Settings settings) {
    this.engine = engine;
    this.settings = settings;
  }

  /** Runs every probe against {@code image}; one {@link Outcome} per probe, in order. */
  public List<Outcome> run(String image, List<Probe> probes, Wrapper wrapper) throws IOException {
    List<Probe> http = probes.stream().filter(p -> !ports(p).isEmpty()).toList();
    Map<Probe, Outcome> out = new java.util.LinkedHashMap<>();
    if (!http.isEmpty()) {
      for (Outcome o : http(image, http, wrapper)) {
        out.put(o.probe(), o);
      }
    }
    for (Probe p : probes) {
      if (ports(p).isEmpty()) {
        out.put(p, command(image, p, wrapper));
      }
    }
    List<Outcome> result = new ArrayList<>();
    probes.forEach(p -> result.add(out.get(p)));
    return result;
  }

  /** The container ports a probe asks; none for a probe that runs a command to its end. */
  private static List<Integer> ports(Probe probe) {
    if (probe instanceof Probe.Http h) {
      return List.of(h.port());
    }
    if (probe instanceof Probe.Script s) {
      return List.of(s.port());
    }
    return probe instanceof Probe.Startup s ? s.ports() : List.of();
  }

  private List<String> runArgs(String name, String image, Probe probe, Wrapper wrapper, List<String> extra) {
    List<String> args = new ArrayList<>(List.of("run", "--name", name));
    args.addAll(extra);
    args.addAll(wrapper.runOptions());
    List<String> wrapped = wrapper.command(settings.argv(probe));
    if (wrapped == null) {
      // the image as users run it: its own entrypoint, and the probe's arguments as CMD
      args.add(image);
      if (probe instanceof Probe.Cmd c) {
        args.addAll(c.args());
      }
      return args;
    }
    // exec form: the wrapper is the entrypoint, the rest of its command line is CMD
    args.add("--entrypoint");
    args.add(dev.shrink.json.Json.MAPPER.writeValueAsString(List.of(wrapped.get(0))));
    args.add(image);
    args.addAll(wrapped.subList(1, wrapped.size()));
    return args;
  }

  /**
   * Runs a command probe to its end: a {@link Probe.Cmd} within the command timeout, the start-up
   * probe of an image without ports within the start-up one. One still running then is stopped as
   * an HTTP probe's container is (its exit paths are traced) and did not pass.
   */
  private Outcome command(String image, Probe probe, Wrapper wrapper) throws IOException {
    String name = "shrink-probe-" + UUID.randomUUID().toString().substring(0, 12);
    List<String> args = runArgs(name, image, probe, wrapper, List.of());
    long limit = (probe instanceof Probe.Startup ? settings.startup() : settings.commandTimeout()).toSeconds();
    long started = System.nanoTime();
    try {
      Engine.Result r = engine.run(limit, args.toArray(String[]::new));
      return new Outcome(probe, r.exitCode(), r.stdout(), r.stdout() + r.stderr(), null);
    } catch (Engine.EngineException e) {
      boolean timedOut = System.nanoTime() - started >= limit * 1_000_000_000L;
      if (timedOut) {
        stop(name, wrapper);
      }
      return new Outcome(probe, -1, "", logs(name), timedOut ? "still running after " + limit + " s (a command probe must end)" : e.getMessage());
    } finally {
      engine.run(30, "rm", "--force", "--time", "0", name);
    }
  }

  private List<Outcome> http(String image, List<Probe> probes, Wrapper wrapper) throws IOException {
    String name = "shrink-probe-" + UUID.randomUUID().toString().substring(0, 12);
    Set<Integer> ports = new LinkedHashSet<>();
    probes.forEach(p -> ports.addAll(ports(p)));
    List<String> publish = new ArrayList<>(List.of("-d"));
    ports.forEach(p -> publish.addAll(List.of("-p", "127.0.0.1::" + p)));
    List<String> args = runArgs(name, image, new Probe.Cmd(List.of()), wrapper, publish);
    engine.check(120, args.toArray(String[]::new));
    Map<Probe, Outcome> answers = new java.util.LinkedHashMap<>();
    String logs;
    try {
      Map<Integer, Integer> hostPorts = new TreeMap<>();
      for (int port : ports) {
        // none when the container has already stopped
        String mapping = engine.check(30, "port", name, port + "/tcp").stdout().strip().split("\n")[0];
        if (!mapping.isEmpty()) {
          hostPorts.put(port, Integer.parseInt(mapping.substring(mapping.lastIndexOf(':') + 1)));
        }
      }
      for (Probe p : probes) {
        if (p instanceof Probe.Http h) {
          answers.put(p, await(name, h, h.path(), List.of(h.port()), hostPorts));
        } else if (p instanceof Probe.Script s) {
          String url = "http://127.0.0.1:" + hostPorts.get(s.port());
          Outcome ready = await(name, p, "/", List.of(s.port()), hostPorts);
          answers.put(p, ready.error() != null ? ready : script(s, url));
        } else {
          answers.put(p, await(name, p, "/", ports(p), hostPorts));
        }
      }
      stop(name, wrapper);
    } finally {
      logs = logs(name);
      engine.run(30, "rm", "--force", "--time", "0", name);
    }
    List<Outcome> result = new ArrayList<>();
    for (Probe p : probes) {
      Outcome o = answers.getOrDefault(p, new Outcome(p, -1, "", "", "not probed"));
      result.add(new Outcome(p, o.status(), o.body(), logs, o.error()));
    }
    return result;
  }

  /** GETs {@code path} on the first of the container's {@code ports} (published at {@code hostPorts}) that answers. */
  private Outcome await(String name, Probe probe, String path, List<Integer> ports, Map<Integer, Integer> hostPorts) throws IOException {
    String asked = "GET " + path + " on container port" + (ports.size() > 1 ? "s " : " ") + String.join(", ", ports.stream().map(String::valueOf).toList());
    if (!hostPorts.keySet().containsAll(ports)) {
      return new Outcome(probe, -1, "", "", "the container stopped before answering " + asked);
    }
    List<URI> uris = ports.stream().map(port -> URI.create("http://127.0.0.1:" + hostPorts.get(port) + path)).toList();
    return await(probe, uris, asked, settings.startup(), () -> running(name), "the container");
  }

  /** Whether what serves a probe still runs. */
  interface Alive {
    boolean get() throws IOException;
  }

  /**
   * GETs each of {@code uris} in turn until one answers (any status), until {@code what} (the
   * server) is no longer alive, or for {@code startup} at most. The error of no answer names the
   * request that was not answered ({@code asked}).
   */
  static Outcome await(Probe probe, List<URI> uris, String asked, Duration startup, Alive alive, String what) throws IOException {
    long deadline = System.nanoTime() + startup.toNanos();
    String last = "no answer";
    while (System.nanoTime() < deadline) {
      for (URI uri : uris) {
        try {
          HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).GET().build(),
              HttpResponse.BodyHandlers.ofString());
          return new Outcome(probe, r.statusCode(), r.body(), "", null);
        } catch (IOException e) {
          last = e.toString();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IOException("interrupted", e);
        }
      }
      if (!alive.get()) {
        return new Outcome(probe, -1, "", "", what + " stopped before answering " + asked);
      }
      sleep(200);
    }
    return new Outcome(probe, -1, "", "", "no answer to " + asked + " within " + startup.toSeconds() + " s (" + last + ")");
  }

  /** Runs the user's script on this machine with the container's URL; its exit code and its output (stdout, stderr) are the outcome. */
  private Outcome script(Probe.Script probe, String url) throws IOException {
    List<String> cmd = List.of(java.nio.file.Path.of(probe.file()).toAbsolutePath().toString(), url);
    try {
      Engine.Result r = Engine.exec(cmd, Map.of("SHRINK_URL", url), settings.commandTimeout().toSeconds());
      return new Outcome(probe, r.exitCode(), r.stdout() + r.stderr(), "", null);
    } catch (Engine.EngineException e) {
      return new Outcome(probe, -1, "", "", e.getMessage());
    }
  }

  /**
   * SIGTERM, then waits up to the grace time, then the engine's stop (SIGKILL). When a wrapper is
   * PID 1 (strace blocks fatal signals while it writes to a file), the signal goes to its children
   * by their host pid instead: this needs the engine's processes visible on this host (podman, or a
   * local Docker daemon; not a remote one, where the stop falls back to the engine's).
   */
  private void stop(String name, Wrapper wrapper) throws IOException {
    if (!running(name)) {
      return;
    }
    if (wrapper.signalChildren()) {
      String pid = engine.run(30, "inspect", "--format", "{{.State.Pid}}", name).stdout().strip();
      try {
        ProcessHandle.of(Long.parseLong(pid)).ifPresent(h -> h.children().forEach(ProcessHandle::destroy));
      } catch (NumberFormatException e) {
        // not visible here: the engine's stop below
      }
      long deadline = System.nanoTime() + settings.stopGrace().toNanos();
      while (System.nanoTime() < deadline && running(name)) {
        sleep(100);
      }
    }
    if (running(name)) {
      engine.run(settings.stopGrace().toSeconds() + 30, "stop", "--time", String.valueOf(settings.stopGrace().toSeconds()), name);
    }
  }

  private boolean running(String name) throws IOException {
    Engine.Result r = engine.run(30, "inspect", "--format", "{{.State.Running}}", name);
    return r.ok() && r.stdout().strip().equals("true");
  }

  private String logs(String name) throws IOException {
    Engine.Result r = engine.run(30, "logs", name);
    return r.stdout() + r.stderr();
  }

  static void sleep(long ms) throws IOException {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
  }
}

package dev.shrink.testing;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;

/**
 * The podman CLI with the project's containers.conf (runc, explicit ulimits; see
 * fixtures/containers.conf). Every call sets {@code CONTAINERS_CONF}: the one from the environment
 * (surefire sets it) or else the project's file.
 */
public final class Podman {
  /** Time limit of {@link #run(String...)}. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(5);

  private static final HttpClient HTTP =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();

  private Podman() {}

  /** How a podman command ended. */
  public record Result(int exitCode, String stdout, String stderr, String description) {
    public boolean ok() {
      return exitCode == 0;
    }

    /** This result, or an {@link IllegalStateException} with command and output when it failed. */
    public Result orThrow() {
      if (!ok()) {
        throw new IllegalStateException(description);
      }
      return this;
    }

    @Override
    public String toString() {
      return description;
    }
  }

  /** An HTTP answer. */
  public record Http(int status, String contentType, String body) {}

  /** Whether podman is on PATH. */
  public static boolean available() {
    return Processes.onPath("podman");
  }

  /** Skips the calling test (JUnit assumption) when podman is not installed. */
  public static void assumeAvailable() {
    Assumptions.assumeTrue(available(), "podman is not installed");
  }

  /** The containers.conf every podman call uses. */
  public static Path containersConf() {
    String fromEnv = System.getenv("CONTAINERS_CONF");
    return fromEnv != null && !fromEnv.isEmpty()
        ? Path.of(fromEnv)
        : Processes.projectDir().resolve("fixtures/containers.conf");
  }

  /**
   * {@code localhost/shrink-test-CHECKOUT/NAME:TAG}, CHECKOUT the project directory's name: tests
   * of two checkouts running at once on one machine do not overwrite each other's images.
   */
  public static String testImage(String name, String tag) {
    String checkout = Processes.projectDir().getFileName().toString().toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9]+", "-");
    return "localhost/shrink-test-" + checkout + "/" + name + ":" + tag;
  }

  /** The environment for programs that call podman themselves (fixtures/build.sh). */
  static Map<String, String> environment() {
    return Map.of("CONTAINERS_CONF", containersConf().toString());
  }

  /** {@code podman ARGS...} with {@link #DEFAULT_TIMEOUT}. */
  public static Result run(String... args) {
    return run(DEFAULT_TIMEOUT, Arrays.asList(args));
  }

  /**
   * {@code podman ARGS...}; a command still running after {@code timeout} is killed and an
   * {@link IllegalStateException} is thrown.
   */
  public static Result run(Duration timeout, List<String> args) {
    List<String> command = new ArrayList<>();
    command.add("podman");
    command.addAll(args);
    Processes.Result r = Processes.run(command, environment(), timeout);
    return new Result(r.exitCode(), r.stdout(), r.stderr(), r.describe());
  }

  public static boolean imageExists(String image) {
    return run("image", "exists", image).ok();
  }

  /** Removes an image; no error when it does not exist. */
  public static void rmi(String image) {
    if (imageExists(image)) {
      run("rmi", image).orThrow();
    }
  }

  /**
   * Starts {@code podman run -d -p 127.0.0.1::PORT OPTIONS... IMAGE} (the image's own command) and
   * returns the container, whose {@link Container#hostPort()} is the loopback port podman chose.
   */
  public static Container startDetached(String image, int containerPort, String... runOptions) {
    return startDetached(image, containerPort, List.of(runOptions), List.of());
  }

  /**
   * Starts {@code podman run -d -p 127.0.0.1::PORT OPTIONS... IMAGE COMMAND...}; an empty command
   * keeps the image's.
   */
  public static Container startDetached(
      String image, int containerPort, List<String> runOptions, List<String> command) {
    List<String> args = new ArrayList<>(List.of("run", "-d", "-p", "127.0.0.1::" + containerPort));
    args.addAll(runOptions);
    args.add(image);
    args.addAll(command);
    String id = run(DEFAULT_TIMEOUT, args).orThrow().stdout().strip();
    try {
      // "127.0.0.1:41234"
      String mapping = run("port", id, containerPort + "/tcp").orThrow().stdout().strip();
      int hostPort = Integer.parseInt(mapping.substring(mapping.lastIndexOf(':') + 1));
      return new Container(id, hostPort);
    } catch (RuntimeException e) {
      run("rm", "--force", "--time", "0", id);
      throw e;
    }
  }

  /** A container started by {@link #startDetached}; {@link #close()} removes it. */
  public static final class Container implements AutoCloseable {
    private final String id;
    private final int hostPort;

    private Container(String id, int hostPort) {
      this.id = id;
      this.hostPort = hostPort;
    }

    public String id() {
      return id;
    }

    /** The port on 127.0.0.1 published for the container port. */
    public int hostPort() {
      return hostPort;
    }

    public URI uri(String path) {
      return URI.create("http://127.0.0.1:" + hostPort + path);
    }

    /** GET {@code path}; an {@link IOException} when nothing answers. */
    public Http get(String path) throws IOException {
      HttpRequest request =
          HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(10)).GET().build();
      try {
        HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        return new Http(
            response.statusCode(),
            response.headers().firstValue("Content-Type").orElse(""),
            response.body());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted", e);
      }
    }

    /**
     * Polls {@code path} until it answers with any HTTP status and returns that answer. Fails at
     * once when the container has stopped, and after {@code timeout}; both with the container's
     * logs.
     */
    public Http awaitHttp(String path, Duration timeout) {
      long deadline = System.nanoTime() + timeout.toNanos();
      IOException last = null;
      while (System.nanoTime() < deadline) {
        try {
          return get(path);
        } catch (IOException e) {
          last = e;
        }
        if (!running()) {
          throw new IllegalStateException(
              "container " + id + " stopped before answering " + path + "\n" + logs());
        }
        try {
          Thread.sleep(200);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException("interrupted", e);
        }
      }
      throw new IllegalStateException(
          "no answer from " + uri(path) + " within " + timeout + " (" + last + ")\n" + logs());
    }

    public boolean running() {
      Result state = run("inspect", "--format", "{{.State.Running}}", id);
      return state.ok() && state.stdout().strip().equals("true");
    }

    /** stdout and stderr of the container so far. */
    public String logs() {
      Result logs = run("logs", id);
      return logs.stdout() + logs.stderr();
    }

    /** Stops the container (SIGTERM, SIGKILL after 5 s) and returns its exit code. */
    public int stop() {
      run("stop", "--time", "5", id).orThrow();
      return Integer.parseInt(
          run("inspect", "--format", "{{.State.ExitCode}}", id).orThrow().stdout().strip());
    }

    /** Removes the container, stopping it first when it still runs. */
    @Override
    public void close() {
      run("rm", "--force", "--time", "2", id);
    }
  }
}

package dev.shrink.engine;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** A local container engine driven through its CLI: {@code podman} or {@code docker}. */
public final class Engine {
  private final String command;

  private Engine(String command) {
    this.command = command;
  }

  public static Engine podman() {
    return new Engine("podman");
  }

  public static Engine docker() {
    return new Engine("docker");
  }

  /** {@code podman} or {@code docker} by name; null or {@code auto}: {@link #detect()}. */
  public static Engine of(String name) throws IOException {
    if (name == null || name.equals("auto")) {
      return detect();
    }
    return switch (name) {
      case "podman" -> podman();
      case "docker" -> docker();
      default -> throw new IllegalArgumentException("--engine must be podman, docker or auto; got " + name);
    };
  }

  /** The engine on PATH, podman first (it needs no daemon), then docker. */
  public static Engine detect() throws IOException {
    for (Engine e : List.of(podman(), docker())) {
      if (e.present()) {
        return e;
      }
    }
    throw new EngineException("running images needs podman or docker on PATH; neither was found");
  }

  public String command() {
    return command;
  }

  /** The output of a finished engine command. */
  public record Result(int exitCode, String stdout, String stderr) {
    public boolean ok() {
      return exitCode == 0;
    }
  }

  /** True when the engine's CLI is on PATH. */
  public boolean present() {
    String path = System.getenv().getOrDefault("PATH", "");
    for (String dir : path.split(File.pathSeparator)) {
      if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, command))) {
        return true;
      }
    }
    return false;
  }

  /** Runs the engine and waits (at most {@code timeoutSeconds}); fails clearly when it is absent. */
  public Result run(long timeoutSeconds, String... args) throws IOException {
    if (!present()) {
      throw new EngineException(command + " is not installed (not found on PATH)");
    }
    List<String> cmd = new ArrayList<>();
    cmd.add(command);
    cmd.addAll(List.of(args));
    return exec(cmd, Map.of(), timeoutSeconds);
  }

  /**
   * Runs any program with these extra environment variables, no input, and waits (at most
   * {@code timeoutSeconds}; then it is killed and an {@link EngineException} says so).
   */
  public static Result exec(List<String> cmd, Map<String, String> env, long timeoutSeconds) throws IOException {
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    pb.environment().putAll(env);
    Process p = pb.start();
    CompletableFuture<byte[]> out = CompletableFuture.supplyAsync(() -> readAll(p.getInputStream()));
    CompletableFuture<byte[]> err = CompletableFuture.supplyAsync(() -> readAll(p.getErrorStream()));
    try {
      if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new EngineException(String.join(" ", cmd) + " did not finish in " + timeoutSeconds + " s");
      }
      return new Result(p.exitValue(), new String(out.join(), StandardCharsets.UTF_8), new String(err.join(), StandardCharsets.UTF_8));
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new EngineException(String.join(" ", cmd) + " was interrupted");
    }
  }

  /** Like {@link #run} but a non-zero exit is an error that quotes the engine's own message. */
  public Result check(long timeoutSeconds, String... args) throws IOException {
    Result r = run(timeoutSeconds, args);
    if (!r.ok()) {
      throw new EngineException(command + " " + args[0] + " failed (exit " + r.exitCode() + "): " + r.stderr().strip());
    }
    return r;
  }

  private static byte[] readAll(java.io.InputStream in) {
    try (in) {
      return in.readAllBytes();
    } catch (IOException e) {
      return new byte[0];
    }
  }

  /** The engine is missing or refused a command. */
  public static final class EngineException extends IOException {
    public EngineException(String message) {
      super(message);
    }
  }
}

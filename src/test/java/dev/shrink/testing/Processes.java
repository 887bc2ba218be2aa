package dev.shrink.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/** Runs an external program to completion, capturing its output, with a time limit. */
final class Processes {
  private Processes() {}

  /** How a program ended: its exit code and everything it wrote. */
  record Result(List<String> command, int exitCode, String stdout, String stderr) {
    boolean ok() {
      return exitCode == 0;
    }

    /** This result, or an {@link IllegalStateException} describing it when the exit code is not 0. */
    Result orThrow() {
      if (!ok()) {
        throw new IllegalStateException(describe());
      }
      return this;
    }

    String describe() {
      return String.join(" ", command) + " exited with " + exitCode
          + "\n--- stdout ---\n" + tail(stdout) + "\n--- stderr ---\n" + tail(stderr);
    }

    private static String tail(String text) {
      int max = 8000;
      return text.length() <= max ? text : "[...]" + text.substring(text.length() - max);
    }
  }

  /** The project's root directory (Maven passes it; otherwise the working directory). */
  static Path projectDir() {
    String dir = System.getProperty("shrink.project.dir");
    return (dir == null ? Path.of("") : Path.of(dir)).toAbsolutePath().normalize();
  }

  /** Whether an executable of this name is on PATH. */
  static boolean onPath(String program) {
    String path = System.getenv("PATH");
    if (path == null) {
      return false;
    }
    for (String dir : path.split(":")) {
      if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, program))) {
        return true;
      }
    }
    return false;
  }

  /**
   * Runs {@code command} with extra environment variables and stdin closed. A program still
   * running after {@code timeout} is killed, with its children, and an {@link
   * IllegalStateException} carrying the output so far is thrown.
   */
  static Result run(List<String> command, Map<String, String> env, Duration timeout) {
    ProcessBuilder builder = new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.PIPE);
    builder.environment().putAll(env);
    Process process;
    try {
      process = builder.start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + command, e);
    }
    try {
      process.getOutputStream().close();
    } catch (IOException ignored) {
      // The program may already have exited.
    }
    CompletableFuture<String> stdout = drain(process.getInputStream());
    CompletableFuture<String> stderr = drain(process.getErrorStream());
    boolean finished;
    try {
      finished = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      kill(process);
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while running " + command, e);
    }
    if (!finished) {
      kill(process);
      Result partial = new Result(command, -1, join(stdout), join(stderr));
      throw new IllegalStateException("timed out after " + timeout + ": " + partial.describe());
    }
    return new Result(command, process.exitValue(), join(stdout), join(stderr));
  }

  private static CompletableFuture<String> drain(InputStream in) {
    return CompletableFuture.supplyAsync(() -> {
      try (in) {
        return new String(in.readAllBytes(), StandardCharsets.UTF_8);
      } catch (IOException e) {
        return "<unreadable: " + e.getMessage() + ">";
      }
    });
  }

  private static String join(CompletableFuture<String> text) {
    try {
      return text.get(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "<interrupted>";
    } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
      return "<output not available: " + e + ">";
    }
  }

  /** SIGTERM to the program and its children (so that build.sh's trap cleans up), then SIGKILL. */
  private static void kill(Process process) {
    List<ProcessHandle> all = new ArrayList<>(process.descendants().toList());
    all.add(process.toHandle());
    all.forEach(ProcessHandle::destroy);
    try {
      process.waitFor(15, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    all.forEach(ProcessHandle::destroyForcibly);
  }
}

package dev.shrink.testing;

import dev.shrink.cli.Main;
import dev.shrink.fs.RootFs;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import tools.jackson.databind.json.JsonMapper;

/**
 * The fat fixture images of fixtures/apps/NAME, built by fixtures/build.sh (cached across runs,
 * built at most once per JVM and name).
 */
public final class Fixtures {
  /** Every fixture, in fixtures/apps. */
  public static final List<String> NAMES =
      List.of("falcon", "flask", "pygmentize", "yaml-sqlite", "numpy", "stdlib-apps", "dynamic", "pyorg",
          "numpy-pandas", "sqlalchemy", "django", "fastapi", "fastapi-debian", "flask-pyorg");

  /** A cold build of one fixture takes about a minute with the base rootfs, seconds without. */
  static final Duration BUILD_TIMEOUT = Duration.ofMinutes(30);

  private static final Map<String, Object> LOCKS = new ConcurrentHashMap<>();
  private static final Map<String, String> BUILT = new ConcurrentHashMap<>();
  private static final JsonMapper JSON = JsonMapper.builder().build();

  private Fixtures() {}

  /** What fixtures/apps/NAME/fixture.conf says. Empty lists where a key is not set. */
  public record Descriptor(
      String name,
      List<String> packages,
      List<String> entrypoint,
      List<String> cmd,
      String workdir,
      List<Integer> expose) {}

  /** fixtures/apps/NAME. */
  public static Path dir(String name) {
    return Processes.projectDir().resolve("fixtures/apps").resolve(name);
  }

  /**
   * The image {@code localhost/shrink-fixture/NAME:latest}, built first when missing or out of date
   * (once per JVM per name). Skips the calling test (JUnit assumption) when podman is not
   * installed; fails when the build fails.
   */
  public static String image(String name) {
    String image = BUILT.get(name);
    if (image != null) {
      return image;
    }
    Podman.assumeAvailable();
    synchronized (LOCKS.computeIfAbsent(name, n -> new Object())) {
      image = BUILT.get(name);
      if (image == null) {
        image = build(name);
        BUILT.put(name, image);
      }
      return image;
    }
  }

  /** The fixture image's root filesystem, unpacked by {@code shrink unpack} into the new directory {@code dir}. */
  public static RootFs unpack(String name, Path dir) {
    String image = image(name);
    if (Main.run("unpack", "containers-storage:" + image, dir.toString()) != 0) {
      throw new IllegalStateException("shrink unpack " + image + " " + dir + " failed");
    }
    return new RootFs(dir);
  }

  /** Runs fixtures/build.sh NAME now, whatever was built before, and returns the image name. */
  static String build(String name) {
    if (!Files.isRegularFile(dir(name).resolve("fixture.conf"))) {
      throw new IllegalArgumentException("no fixture " + name + " in " + dir(name));
    }
    Path script = Processes.projectDir().resolve("fixtures/build.sh");
    long started = System.nanoTime();
    Processes.Result result =
        Processes.run(List.of("bash", script.toString(), name), Podman.environment(), BUILD_TIMEOUT)
            .orThrow();
    String image = result.stdout().strip();
    if (image.isEmpty() || image.contains("\n")) {
      throw new IllegalStateException("build.sh printed no single image name: " + result.describe());
    }
    System.err.printf(
        "fixture %s: %s (%d ms)%n%s",
        name, image, (System.nanoTime() - started) / 1_000_000, result.stderr());
    return image;
  }

  /** The fixture's descriptor, fixtures/apps/NAME/fixture.conf. */
  public static Descriptor descriptor(String name) {
    Map<String, String> values = new HashMap<>();
    for (String line : lines(dir(name).resolve("fixture.conf"))) {
      String trimmed = line.strip();
      if (trimmed.isEmpty() || trimmed.startsWith("#")) {
        continue;
      }
      int eq = line.indexOf('=');
      if (eq < 0) {
        throw new IllegalStateException("fixture.conf of " + name + ": cannot parse " + line);
      }
      values.put(line.substring(0, eq), line.substring(eq + 1));
    }
    List<Integer> expose = new ArrayList<>();
    for (String port : words(values.get("expose"))) {
      expose.add(Integer.parseInt(port));
    }
    return new Descriptor(
        name,
        words(values.get("packages")),
        jsonArray(values.get("entrypoint")),
        jsonArray(values.get("cmd")),
        values.getOrDefault("workdir", "/app"),
        List.copyOf(expose));
  }

  /**
   * The expected output of a deterministic run, fixtures/apps/NAME/expected/OUTPUT.out (for
   * example {@code expected("stdlib-apps", "tz")} or {@code expected("numpy", "default")}).
   */
  public static String expected(String name, String output) {
    try {
      return Files.readString(dir(name).resolve("expected").resolve(output + ".out"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static List<String> lines(Path file) {
    try {
      return Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static List<String> words(String text) {
    return text == null || text.isBlank() ? List.of() : List.of(text.strip().split("\\s+"));
  }

  private static List<String> jsonArray(String text) {
    if (text == null || text.isBlank()) {
      return List.of();
    }
    return List.of(JSON.readValue(text, String[].class));
  }
}

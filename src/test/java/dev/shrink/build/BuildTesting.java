package dev.shrink.build;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shrink.json.Json;
import dev.shrink.layer.TempFiles;
import dev.shrink.testing.Cli;
import dev.shrink.testing.Podman;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import tools.jackson.databind.JsonNode;

/** Shared steps of the build tests: running the CLI, working directories off /tmp, podman, reading archives. */
final class BuildTesting {
  static final String PYTHON = "/usr/bin/python3";
  static final Duration STARTUP = Duration.ofSeconds(60);

  private BuildTesting() {}

  /** The project's directory (Maven passes it). */
  static Path projectDir() {
    String dir = System.getProperty("shrink.project.dir");
    return (dir == null ? Path.of("") : Path.of(dir)).toAbsolutePath().normalize();
  }

  /**
   * A fresh directory under target/build-tests, or under /var/cache/shrink-tests when the project
   * itself lies where engines mount a tmpfs (a checkout under /tmp): a virtual environment made
   * there must still be visible in a container run with --read-only.
   */
  static Path workArea(String name) throws IOException {
    Path project = projectDir();
    boolean hidden = Stream.of("/tmp", "/var/tmp", "/run", "/dev/shm").anyMatch(t -> project.startsWith(t));
    Path base = Files.createDirectories(hidden ? Path.of("/var/cache/shrink-tests") : project.resolve("target/build-tests"));
    return Files.createTempDirectory(base, name + "-");
  }

  static void delete(Path dir) {
    if (dir != null) {
      TempFiles.deleteTree(dir);
    }
  }

  record Run(int code, String out, String err) {}

  /** {@code shrink ARGS...} in this JVM, with stdout and stderr captured. */
  static Run shrink(List<String> args) {
    Cli.Run r = Cli.run(args.toArray(String[]::new));
    return new Run(r.exit(), r.out(), r.err());
  }

  /** Builds and returns what shrink printed (results on stdout, then progress and warnings on stderr); fails unless shrink exits 0. */
  static String build(List<String> args) {
    Run r = buildRun(args);
    return r.out() + r.err();
  }

  /** Builds and returns what shrink printed; fails unless shrink exits 0. */
  static Run buildRun(List<String> args) {
    List<String> all = new ArrayList<>(List.of("build"));
    all.addAll(args);
    Run r = shrink(all);
    assertThat(r.code()).as("shrink %s\n%s%s", all, r.out(), r.err()).isZero();
    return r;
  }

  /** A TCP port of 127.0.0.1 that nothing listens on now. */
  static int freePort() throws IOException {
    try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  /** {@code python3 -m venv [OPTIONS] DIR} with Debian's interpreter. */
  static Path venv(Path dir, String... options) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(PYTHON, "-m", "venv"));
    cmd.addAll(List.of(options));
    cmd.add(dir.toString());
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as("%s\n%s", cmd, out).isZero();
    return dir;
  }

  /** {@code podman load -i ARCHIVE}; returns the image name it loaded. */
  static String load(Path archive, String image) {
    Podman.rmi(image);
    String out = Podman.run("load", "-i", archive.toString()).orThrow().stdout();
    assertThat(out).contains("Loaded image: " + image);
    return image;
  }

  static JsonNode report(Path file) throws IOException {
    return Json.MAPPER.readTree(Files.readAllBytes(file));
  }

  /** Kept paths of a report, by type ("file", "symlink", "directory"). */
  static Map<String, String> kept(JsonNode report) {
    Map<String, String> out = new LinkedHashMap<>();
    report.path("files").values().forEach(f -> out.put(f.path("path").asString(), f.path("type").asString()));
    return out;
  }

  /** {@code podman run --rm --read-only [OPTIONS] IMAGE [ARGS]}: stdout; fails on a non-zero exit or a traceback. */
  static String run(List<String> options, String image, String... args) {
    List<String> cmd = new ArrayList<>(List.of("run", "--rm", "--read-only"));
    cmd.addAll(options);
    cmd.add(image);
    cmd.addAll(List.of(args));
    Podman.Result r = Podman.run(cmd.toArray(String[]::new));
    assertThat(r.exitCode()).as("%s", r).isZero();
    assertThat(r.stderr()).doesNotContain("Traceback", "ModuleNotFoundError", "ImportError", "No such file");
    return r.stdout();
  }

  /**
   * Every byte of a docker-archive an engine would see, decompressed: each member of the archive
   * (index, manifests, config) and, for each layer, every entry's name, link target and content.
   */
  static List<Blob> contents(Path archive) throws IOException {
    List<Blob> out = new ArrayList<>();
    try (InputStream in = Files.newInputStream(archive); TarArchiveInputStream tar = new TarArchiveInputStream(in)) {
      TarArchiveEntry e;
      while ((e = tar.getNextEntry()) != null) {
        if (!e.isFile()) {
          continue;
        }
        byte[] bytes = tar.readAllBytes();
        out.add(new Blob(e.getName(), bytes));
        byte[] plain = bytes.length > 2 && (bytes[0] & 0xff) == 0x1f && (bytes[1] & 0xff) == 0x8b
            ? new GZIPInputStream(new java.io.ByteArrayInputStream(bytes)).readAllBytes() : bytes;
        if (plain.length > 512 && new String(plain, 257, 5, StandardCharsets.US_ASCII).equals("ustar")) {
          try (TarArchiveInputStream layer = new TarArchiveInputStream(new java.io.ByteArrayInputStream(plain))) {
            TarArchiveEntry le;
            while ((le = layer.getNextEntry()) != null) {
              String header = le.getName() + "\n" + le.getLinkName();
              out.add(new Blob(e.getName() + "!" + le.getName(), (header + "\n" + new String(layer.readAllBytes(), StandardCharsets.ISO_8859_1))
                  .getBytes(StandardCharsets.ISO_8859_1)));
            }
          }
        }
      }
    }
    return out;
  }

  /** A named piece of an archive. */
  record Blob(String name, byte[] bytes) {
    boolean contains(String text) {
      return new String(bytes, StandardCharsets.ISO_8859_1).contains(text);
    }
  }
}

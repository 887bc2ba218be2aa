package dev.shrink.probe;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shrink.testing.Cli;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** With no engine on the machine, minify's start-up probe is skipped with one line, and static analysis goes on. */
class StartupWithoutEngineTest {
  @TempDir Path tmp;

  @Test
  void theStartUpProbeIsSkippedWithOneLineWhenNoEngineIsInstalled() throws Exception {
    // an image made with no engine: build of a one-line app with this machine's python3
    Path app = Files.createDirectories(tmp.resolve("app"));
    Files.writeString(app.resolve("app.py"), "print('hi')\n");
    Path image = tmp.resolve("app.tar");
    Cli.Run built = Cli.run("build", "docker-archive:" + image + ":shrink-test/startup-no-engine:latest", "--app", app.toString(), "--",
        "/usr/bin/python3", "app.py");
    assertThat(built.exit()).as(built.err()).isZero();

    Path out = tmp.resolve("small.tar");
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    ProcessBuilder pb = new ProcessBuilder(java.toString(), "-cp", System.getProperty("java.class.path"), "dev.shrink.cli.Main", "minify",
        "docker-archive:" + image, "docker-archive:" + out).redirectErrorStream(true);
    pb.environment().put("PATH", Files.createDirectories(tmp.resolve("empty-bin")).toString());
    Process p = pb.start();
    String said = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(5, TimeUnit.MINUTES)).isTrue();
    assertThat(p.exitValue()).as(said).isZero();
    assertThat(said.lines().filter(l -> l.startsWith("probe:")).toList())
        .containsExactly("probe: start-up probe skipped (static analysis only): running images needs podman or docker on PATH; neither was found");
    assertThat(said).contains("verify: not checked: nothing ran SRC (running images needs podman or docker on PATH; neither was found)");
    assertThat(out).isRegularFile();
  }
}

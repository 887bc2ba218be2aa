package dev.shrink.build;

import static dev.shrink.build.BuildTesting.STARTUP;
import static org.assertj.core.api.Assertions.assertThat;

import dev.shrink.json.Json;
import dev.shrink.testing.NeedsEngine;
import dev.shrink.testing.Podman.Container;
import dev.shrink.testing.Podman.Http;
import dev.shrink.testing.Podman;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * The README's first command: examples/hello-api built with Debian's python3 into a docker-archive,
 * loaded with podman load, run read-only as the default non-root user.
 */
@NeedsEngine
class HelloApiExampleTest {
  static final String IMAGE = "localhost/shrink-test/build-hello-api:latest";

  @TempDir Path tmp;

  @Test
  void theBundledExampleServesItsApiAndRunsItsCli() throws Exception {
    Podman.assumeAvailable();
    Path archive = tmp.resolve("hello-api.tar");
    Path report = tmp.resolve("report.json");
    String err = BuildTesting.build(List.of("docker-archive:" + archive + ":shrink-test/build-hello-api:latest",
        "--app", BuildTesting.projectDir().resolve("examples/hello-api").toString(), "--report", report.toString(),
        "--", BuildTesting.PYTHON, "server.py"));
    assertThat(err).contains("layers", "uncompressed", "runtime", "app", "Wrote docker-archive:").doesNotContain("warning:");
    BuildTesting.load(archive, IMAGE);

    String config = Podman.run("image", "inspect", "--format",
        "{{.Config.User}}|{{.Config.WorkingDir}}|{{json .Config.Entrypoint}}|{{json .Config.Env}}|{{len .RootFS.Layers}}", IMAGE).orThrow().stdout().strip();
    assertThat(config).isEqualTo("65532:65532|/app|[\"/usr/bin/python3\",\"server.py\"]|"
        + "[\"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\"]|2");

    try (Container c = Podman.startDetached(IMAGE, 8080, "--read-only")) {
      assertThat(c.awaitHttp("/health", STARTUP).body()).isEqualTo("{\"status\": \"ok\"}");
      Http hello = c.get("/hello?name=shrink");
      assertThat(hello.status()).isEqualTo(200);
      assertThat(hello.contentType()).isEqualTo("application/json");
      assertThat(Json.MAPPER.readTree(hello.body())).isEqualTo(Json.MAPPER.readTree("{\"hello\": \"shrink\"}"));
      assertThat(Json.MAPPER.readTree(c.get("/hello").body()).path("hello").asString()).isEqualTo("world");
      assertThat(c.get("/nothing").status()).isEqualTo(404);
      assertThat(c.logs()).contains("hello-api listening on port 8080").doesNotContain("Traceback");
      assertThat(c.stop()).as("exit code after SIGTERM").isZero();
    }

    // the CLI of the same app directory: its imports were analysed too (argparse is nowhere in server.py's closure)
    List<String> python = List.of("--entrypoint", BuildTesting.PYTHON);
    assertThat(BuildTesting.run(python, IMAGE, "cli.py", "greet", "shrink")).isEqualTo("Hello, shrink!\n");
    assertThat(BuildTesting.run(python, IMAGE, "cli.py", "greet", "--shout", "you")).isEqualTo("HELLO, YOU!\n");
    assertThat(BuildTesting.run(python, IMAGE, "cli.py", "json", " x ")).isEqualTo("{\"hello\": \"x\"}\n");

    JsonNode r = BuildTesting.report(report);
    Map<String, String> kept = BuildTesting.kept(r);
    assertThat(kept).containsKeys("/app/server.py", "/app/cli.py", "/app/greeting.py", "/app/README.md", "/usr/bin/python3.11");
    assertThat(kept.get("/usr/bin/python3")).isEqualTo("symlink");
    assertThat(kept.keySet()).allSatisfy(p -> assertThat(p).matches("/(app|usr|etc|lib|lib64|tmp|var/lib/dpkg/status\\.d)(/.*)?"));
    assertThat(kept.keySet()).noneMatch(p -> p.startsWith("/usr/lib/python3/dist-packages/") || p.startsWith("/usr/local/"));
    assertThat(r.path("after").path("compressedLayers").asLong()).as("gzip layer").isLessThan(10_000_000L);
    assertThat(r.path("after").path("files").asLong()).isLessThan(300);
  }
}

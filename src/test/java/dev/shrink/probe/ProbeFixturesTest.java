package dev.shrink.probe;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shrink.json.Json;
import dev.shrink.testing.Cli.Run;
import dev.shrink.testing.Cli;
import dev.shrink.testing.Fixtures;
import dev.shrink.testing.NeedsEngine;
import dev.shrink.testing.Podman;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/** Traced runs of real fixture images under podman find what static analysis cannot. */
@NeedsEngine
class ProbeFixturesTest {
  @TempDir Path tmp;

  static Run shrink(String... args) {
    return Cli.run(args);
  }

  static List<String> probeOnly(JsonNode report) {
    return report.path("files").valueStream().filter(f -> f.path("reasons").valueStream().allMatch(r -> r.path("analyser").asString().equals("probe")))
        .map(f -> f.path("path").asString()).toList();
  }

  static List<String> kept(JsonNode report) {
    return report.path("files").valueStream().map(f -> f.path("path").asString()).toList();
  }

  JsonNode minify(String fixture, String tag, String... options) throws Exception {
    Path report = tmp.resolve(tag + ".json");
    List<String> args = new ArrayList<>(List.of("minify", "containers-storage:" + Fixtures.image(fixture),
        "containers-storage:localhost/shrink-test/" + fixture + ":" + tag, "--report", report.toString()));
    args.addAll(List.of(options));
    Run r = shrink(args.toArray(String[]::new));
    assertThat(r.exit()).as("shrink %s\n%s%s", args, r.out(), r.err()).isZero();
    return Json.MAPPER.readTree(Files.readAllBytes(report));
  }

  @Test
  void dynamicAppFailsWithStaticAnalysisAloneAndRunsAfterATracedRun() throws Exception {
    String fat = Fixtures.image("dynamic");
    JsonNode staticReport = minify("dynamic", "static", "--no-probe");
    assertThat(staticReport.path("files").values()).noneMatch(f -> f.path("reasons").toString().contains("\"probe\""));
    Run verify = shrink("verify", "containers-storage:" + fat, "containers-storage:localhost/shrink-test/dynamic:static");
    assertThat(verify.exit()).isEqualTo(1);
    assertThat(verify.out()).contains("missing in the shrunk image: colorsys");

    JsonNode traced = minify("dynamic", "probe", "--probe-cmd", "", "--verify");
    List<String> added = new ArrayList<>(kept(traced));
    added.removeAll(kept(staticReport));
    System.err.println("dynamic: the trace added " + added.size() + " files: " + added);
    assertThat(added).contains("/usr/lib/python3.11/colorsys.pyc", "/usr/share/common-licenses/Apache-2.0", "/usr/lib/x86_64-linux-gnu/libzstd.so.1.5.4");
    assertThat(traced.path("files").values()).anySatisfy(f -> {
      assertThat(f.path("path").asString()).isEqualTo("/usr/share/common-licenses/Apache-2.0");
      assertThat(f.path("reasons").get(0).path("reason").asString()).isEqualTo("probe cmd (default command): openat");
    });
    Podman.Result run = Podman.run("run", "--rm", "--read-only", "localhost/shrink-test/dynamic:probe");
    assertThat(run.exitCode()).as("%s", run).isZero();
    assertThat(run.stdout()).isEqualTo(Fixtures.expected("dynamic", "default"));
  }

  @Test
  void gunicornWorkerNamedInAConfigFileIsFoundByOneProbe() throws Exception {
    String fat = Fixtures.image("gunicorn-worker");
    minify("gunicorn-worker", "static", "--no-probe");
    Run verify = shrink("verify", "containers-storage:" + fat, "containers-storage:localhost/shrink-test/gunicorn-worker:static",
        "--probe-http", "8000:/number", "--ignore-regex", "\\d+");
    assertThat(verify.exit()).isEqualTo(1);
    assertThat(verify.out()).contains("missing in the shrunk image: statistics");

    JsonNode traced = minify("gunicorn-worker", "probe", "--probe-http", "8000:/number", "--ignore-regex", "\\d+", "--verify");
    // verified at once: no repair round was needed
    assertThat(traced.path("repair").size()).isEqualTo(1);
    assertThat(traced.path("repair").get(0).path("verified").asBoolean()).isTrue();
    // kept only because the traced run loaded it: the probe's reason, not a static one
    assertThat(traced.path("files").values()).anySatisfy(f -> {
      assertThat(f.path("path").asString()).isEqualTo("/usr/lib/python3.11/statistics.pyc");
      assertThat(f.path("reasons").get(0).path("analyser").asString()).isEqualTo("probe");
      assertThat(f.path("reasons").get(0).path("reason").asString()).contains("probe GET /number: ");
    });
  }

  @Test
  void codecChosenAtRunTimeIsFoundByOneProbe() throws Exception {
    String fat = Fixtures.image("codec");
    minify("codec", "static", "--no-probe");
    Run verify = shrink("verify", "containers-storage:" + fat, "containers-storage:localhost/shrink-test/codec:static");
    assertThat(verify.exit()).isEqualTo(1);
    assertThat(verify.out()).contains("missing in the shrunk image: koi8_r");

    JsonNode traced = minify("codec", "probe", "--probe-cmd", "", "--verify", "--repair-rounds", "0");
    assertThat(kept(traced)).contains("/usr/lib/python3.11/encodings/koi8_r.pyc");
    Podman.Result run = Podman.run("run", "--rm", "--read-only", "localhost/shrink-test/codec:probe");
    assertThat(run.exitCode()).as("%s", run).isZero();
    assertThat(run.stdout()).isEqualTo(Fixtures.expected("codec", "default"));
  }

  @Test
  void falconTracedOverHttpStillAnswers() throws Exception {
    JsonNode staticReport = minify("falcon", "static", "--no-probe");
    long started = System.nanoTime();
    JsonNode traced = minify("falcon", "probe", "--probe-http", "8000:/number", "--verify", "--ignore-regex", "\"number\": \\d+");
    long ms = (System.nanoTime() - started) / 1_000_000;
    List<String> added = new ArrayList<>(kept(traced));
    added.removeAll(kept(staticReport));
    System.err.println("falcon: minify with probe and verify took " + ms + " ms; the trace added " + added.size() + " files: " + added);
    assertThat(traced.path("files").values()).anySatisfy(f ->
        assertThat(f.path("reasons").valueStream().map(r -> r.path("reason").asString()).toList()).contains("probe GET /number: openat"));
    // site.py ran Debian's distutils-precedence.pth at start (it loads _distutils_hack): a start-up hook, not kept
    assertThat(added).noneMatch(p -> p.endsWith(".pth") || p.contains("_distutils_hack") || p.contains("/setuptools/"));
  }

  /**
   * Issue 15, class 4: FastAPI runs a plain {@code def} endpoint in anyio's worker thread, and the
   * first such request imports anyio's asyncio backend. The probe used to speak Java's default
   * HTTP/2 (an {@code Upgrade: h2c} request), which Debian's uvicorn answered itself with 400: the
   * app never saw it, and the trace had nothing of the request. The probe must reach the app: the
   * trace sees the request's import look into {@code anyio/_backends} (the module itself is kept by
   * knowledge too since anyio.json, so its own reasons cannot tell).
   */
  @Test
  void fastapiProbeReachesTheAppAndKeepsWhatItsRequestImported() throws Exception {
    JsonNode traced = minify("fastapi-debian", "probe", "--probe-http", "8000:/health", "--verify", "--repair-rounds", "0");
    assertThat(traced.path("files").values()).anySatisfy(f -> {
      assertThat(f.path("path").asString()).isEqualTo("/usr/lib/python3/dist-packages/anyio/_backends");
      assertThat(f.path("reasons").valueStream().map(r -> r.path("reason").asString())).anyMatch(r -> r.startsWith("probe GET /health: "));
    });
    try (Podman.Container small = Podman.startDetached("localhost/shrink-test/fastapi-debian:probe", 8000, "--read-only")) {
      assertThat(small.awaitHttp("/health", java.time.Duration.ofSeconds(60))).isEqualTo(new Podman.Http(200, "application/json", "{\"status\":\"ok\"}"));
    }
  }

  /** With no probe given, minify runs the image's own command once, traced: to its end when the image exposes no port. */
  @Test
  void withNoProbeTheDefaultCommandOfAnImageWithoutPortsIsTraced() throws Exception {
    String fat = Fixtures.image("dynamic");
    JsonNode report = minify("dynamic", "startup");
    assertThat(report.path("files").values()).anySatisfy(f -> {
      assertThat(f.path("path").asString()).isEqualTo("/usr/share/common-licenses/Apache-2.0");
      assertThat(f.path("reasons").get(0).path("analyser").asString()).isEqualTo("probe");
      assertThat(f.path("reasons").get(0).path("reason").asString()).isEqualTo("probe start-up (default command): openat");
    });
    assertThat(kept(report)).contains("/usr/lib/python3.11/colorsys.pyc");
    Run verify = shrink("verify", "containers-storage:" + fat, "containers-storage:localhost/shrink-test/dynamic:startup");
    assertThat(verify.exit()).as(verify.out()).isZero();
    assertThat(verify.out()).contains("probe start-up (default command): exit code 0", "verify: the shrunk image answers like the original");
  }

  /** An image that exposes a port is started, asked GET / once it answers (Falcon's 404 is an answer), and stopped. */
  @Test
  void withNoProbeAServerIsStartedAndAskedGetSlash() throws Exception {
    JsonNode report = minify("falcon", "startup");
    assertThat(report.path("files").values()).anySatisfy(f ->
        assertThat(f.path("reasons").valueStream().map(r -> r.path("reason").asString()).toList()).contains("probe start-up GET /: openat"));
    System.err.println("falcon: the start-up probe alone kept " + probeOnly(report).size() + " files: " + probeOnly(report));
    Run verify = shrink("verify", "containers-storage:" + Fixtures.image("falcon"), "containers-storage:localhost/shrink-test/falcon:startup");
    assertThat(verify.exit()).as(verify.out()).isZero();
    assertThat(verify.out()).contains("probe start-up GET /: status 404");
  }

  /** A probe that got no answer is a failure: exit 1, nothing written, and no kept file names a request that was not made. */
  @Test
  void aProbeThatGetsNoAnswerFailsTheMinifyAndWritesNothing() throws Exception {
    String fat = "containers-storage:" + Fixtures.image("falcon");
    Path dest = tmp.resolve("out.tar");
    Path report = tmp.resolve("report.json");
    Run r = shrink("minify", fat, "docker-archive:" + dest, "--probe-http", "9999:/number", "--probe-timeout", "10", "--report", report.toString());
    assertThat(r.exit()).as(r.err()).isEqualTo(1);
    assertThat(r.err()).contains(fat + ": the image did not pass the probe GET /number: no answer to GET /number on container port 9999 within 10 s",
        "Listening at: http://0.0.0.0:8000", "Nothing was written. Check the probe");
    assertThat(dest).doesNotExist();
    assertThat(report).doesNotExist();

    // the start-up probe too: with its command replaced by one that serves nothing, the image does not answer on its port 8000
    Run startup = shrink("minify", fat, "docker-archive:" + dest, "--entrypoint", "[\"python3\", \"-c\", \"print('no server')\"]");
    assertThat(startup.exit()).as(startup.err()).isEqualTo(1);
    assertThat(startup.err()).contains("did not pass the probe start-up GET /: the container stopped before answering GET / on container port 8000",
        "no server", "give a probe the image passes (--probe-http PORT:PATH, --probe-cmd ARGS), or --no-probe");
    assertThat(dest).doesNotExist();
  }
}

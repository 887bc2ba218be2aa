package dev.shrink.build;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shrink.build.BuildTesting.Blob;
import dev.shrink.closure.Requirement;
import dev.shrink.image.Image;
import dev.shrink.layer.TempFiles;
import dev.shrink.minify.Minifier;
import dev.shrink.probe.ContainerRunner;
import dev.shrink.probe.Probe;
import dev.shrink.probe.Tracer;
import dev.shrink.testing.NeedsEngine;
import dev.shrink.testing.Podman;
import dev.shrink.transport.ImageReference;
import dev.shrink.transport.TransportOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Probes in build mode: COMMAND runs on this machine under its strace (no container), what it
 * used joins the image, and --verify runs the image under podman against the host run's answers.
 */
@NeedsEngine
class HostProbeTest {
  Path work;

  @BeforeEach
  void area() throws Exception {
    Podman.assumeAvailable();
    work = BuildTesting.workArea("probe");
  }

  @AfterEach
  void clean() {
    BuildTesting.delete(work);
  }

  static List<String> kept(Path report) throws Exception {
    return new ArrayList<>(BuildTesting.kept(BuildTesting.report(report)).keySet());
  }

  /** Reasons of a kept path in a report. */
  static List<String> reasons(Path report, String path) throws Exception {
    List<String> out = new ArrayList<>();
    BuildTesting.report(report).path("files").values().forEach(f -> {
      if (f.path("path").asString().equals(path)) {
        f.path("reasons").values().forEach(r -> out.add(r.path("analyser").asString() + ": " + r.path("reason").asString()));
      }
    });
    return out;
  }

  @Test
  void helloApiProbedOverHttpOnThisMachineAnswersTheSameUnderPodman() throws Exception {
    Path app = Files.createDirectories(work.resolve("hello-api"));
    try (Stream<Path> files = Files.list(BuildTesting.projectDir().resolve("examples/hello-api"))) {
      for (Path f : files.toList()) {
        Files.copy(f, app.resolve(f.getFileName()));
      }
    }
    int port = BuildTesting.freePort();
    Path report = work.resolve("report.json");
    BuildTesting.Run r = BuildTesting.buildRun(List.of("docker-archive:" + work.resolve("hello.tar") + ":buildprobe/hello-probe:latest",
        "--app", app.toString(), "--env", "PORT=" + port, "--probe-http", port + ":/health", "--probe-http", port + ":/hello?name=probe",
        "--report", report.toString(), "--", BuildTesting.PYTHON, "server.py"));
    assertThat(r.err()).contains("probe: ran COMMAND on this machine under strace");
    // with a probe given and podman installed, build verifies by default and ends with its verdict
    assertThat(r.out()).contains("probe GET /health: status 200", "probe GET /hello?name=probe: status 200",
        "verify: the shrunk image answers like the original");
    assertThat(r.out().strip().lines().reduce((a, b) -> b).orElseThrow()).startsWith("verify: passed: docker-archive:")
        .contains("answers GET /health, GET /hello?name=probe like COMMAND run on this machine");

    List<String> kept = kept(report);
    // what the run on this machine used is there, at image paths: the app directory is /app, never its place here
    assertThat(reasons(report, "/app/server.py")).anyMatch(x -> x.startsWith("probe: probe GET /health (on this machine): "));
    assertThat(kept).noneMatch(p -> p.startsWith(work.toString()));
    assertThat(kept).noneMatch(p -> p.endsWith(".pth") || p.contains("_distutils_hack") || p.contains("/setuptools/"));
    // the run left nothing in the app directory (no bytecode written on this machine)
    try (Stream<Path> files = Files.walk(app)) {
      assertThat(files.map(p -> app.relativize(p).toString())).containsExactlyInAnyOrder("", "README.md", "cli.py", "greeting.py", "server.py");
    }
  }

  /** An app that imports a module named in a data file (and, given an argument, that one instead). */
  Path pluginApp() throws Exception {
    Path app = Files.createDirectories(work.resolve("plugin-app"));
    Files.writeString(app.resolve("plugin.conf"), "colorsys\n");
    Files.writeString(app.resolve("main.py"), """
        import importlib
        import os
        import sys
        with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "plugin.conf")) as f:
            name = f.read().strip()
        if len(sys.argv) > 1:
            name = sys.argv[1]
        plugin = importlib.import_module(name)
        print("plugin", plugin.__name__, os.path.basename(plugin.__file__).split(".")[0])
        """);
    return app;
  }

  @Test
  void aPluginNamedInAFileIsFoundByTheTraceAndTheImageRunsIt() throws Exception {
    Path app = pluginApp();
    String image = "localhost/buildprobe/plugin:";
    Path staticReport = work.resolve("static.json");
    BuildTesting.build(List.of("docker-archive:" + work.resolve("static.tar") + ":buildprobe/plugin:static", "--app", app.toString(),
        "--report", staticReport.toString(), "--", BuildTesting.PYTHON, "main.py"));
    List<String> statik = kept(staticReport);
    assertThat(statik).noneMatch(p -> p.startsWith("/usr/lib/python3.11/colorsys.") || p.startsWith("/usr/lib/python3.11/fractions."));
    BuildTesting.load(work.resolve("static.tar"), image + "static");
    Podman.Result broken = Podman.run("run", "--rm", "--read-only", image + "static");
    assertThat(broken.exitCode()).as("%s", broken).isNotZero();
    assertThat(broken.stderr()).contains("No module named 'colorsys'");

    Path report = work.resolve("traced.json");
    BuildTesting.Run r = BuildTesting.buildRun(List.of("docker-archive:" + work.resolve("traced.tar") + ":buildprobe/plugin:traced",
        "--app", app.toString(), "--probe-cmd", "", "--probe-cmd", "fractions", "--verify", "--report", report.toString(),
        "--", BuildTesting.PYTHON, "main.py"));
    assertThat(r.out()).contains("probe cmd (default command): exit code 0", "probe cmd fractions: exit code 0",
        "verify: the shrunk image answers like the original");
    List<String> added = kept(report);
    added.removeAll(statik);
    System.out.println("plugin app: the trace on this machine added " + added.size() + " paths: " + added);
    assertThat(added).anyMatch(p -> p.startsWith("/usr/lib/python3.11/colorsys.py")).anyMatch(p -> p.startsWith("/usr/lib/python3.11/fractions.py"));
    assertThat(reasons(report, "/app/plugin.conf")).anyMatch(x -> x.startsWith("probe: probe cmd (default command) (on this machine): "));

    BuildTesting.load(work.resolve("traced.tar"), image + "traced");
    assertThat(BuildTesting.run(List.of(), image + "traced")).isEqualTo("plugin colorsys colorsys\n");
    assertThat(BuildTesting.run(List.of(), image + "traced", "fractions")).isEqualTo("plugin fractions fractions\n");
    Podman.rmi(image + "static");
    Podman.rmi(image + "traced");
  }

  @Test
  void aTracedReadOfASecretDoesNotPutItInTheImage() throws Exception {
    String secret = "probe-secret-6d1e";
    Path home = Files.createDirectories(work.resolve("home"));
    Path credentials = Files.createDirectories(home.resolve(".aws")).resolve("credentials");
    Files.writeString(credentials, "[default]\naws_secret_access_key = " + secret + "\n");
    Path notes = Files.writeString(home.resolve("notes.txt"), secret + "\n");
    Path app = Files.createDirectories(work.resolve("reader"));
    // the paths are data, not literals of the code: only the trace sees them read
    Files.writeString(app.resolve("paths.conf"), credentials + "\n" + notes + "\n");
    Files.writeString(app.resolve("main.py"), """
        import os
        for path in open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "paths.conf")).read().split():
            try:
                with open(path) as f:
                    print(os.path.basename(path), "read", len(f.read()) > 0)
            except OSError:
                print(os.path.basename(path), "read", False)
        print("env", sorted(os.environ))
        """);

    Builder.Spec spec = new Builder.Spec(app, null, List.of(), Map.of(), null, null, List.of(BuildTesting.PYTHON, "main.py"), List.of(), false);
    Builder.Host host = new Builder.Host(Path.of("/"), app, List.of(home));
    Path buildDir = Files.createDirectories(work.resolve("build"));
    Builder.Plan plan = Builder.plan(spec, host, buildDir);
    Tracer.Result traced = Builder.trace(plan, List.of(new Probe.Cmd(List.of())), ContainerRunner.Settings.of(List.of(), List.of()), buildDir);

    // the program really read them on this machine, and saw no variable of this JVM (surefire sets CONTAINERS_CONF, HOME)
    String ran = traced.outcomes().get(0).body();
    assertThat(ran).contains("credentials read True", "notes.txt read True");
    assertThat(ran).doesNotContain("HOME", "CONTAINERS_CONF").contains("'PATH'", "'PYTHONDONTWRITEBYTECODE'");
    assertThat(traced.requirements()).extracting(Requirement::path).contains(credentials.toString(), notes.toString());

    Builder.Built built = Builder.build(plan, spec, Minifier.Output.defaults(), buildDir, traced);
    assertThat(built.result().report().problems()).anyMatch(p -> p.startsWith("not taken from this machine: " + credentials))
        .anyMatch(p -> p.startsWith("not taken from this machine: " + notes));
    Path archive = work.resolve("reader.tar");
    try (Image image = built.result().image()) {
      ImageReference.parse("docker-archive:" + archive + ":buildprobe/reader:latest").write(image,
          TransportOptions.builder().tempDir(buildDir).build());
    }
    List<Blob> blobs = BuildTesting.contents(archive);
    assertThat(blobs).anyMatch(b -> b.name().endsWith("!app/main.py"));
    assertThat(blobs).noneMatch(b -> b.contains(secret));
    assertThat(blobs).noneMatch(b -> b.name().contains(".aws/") || b.name().contains("notes.txt"));

    String image = BuildTesting.load(archive, "localhost/buildprobe/reader:latest");
    assertThat(BuildTesting.run(List.of(), image)).startsWith("credentials read False\nnotes.txt read False\n");
    Podman.rmi(image);
    TempFiles.deleteTree(buildDir);
  }
}

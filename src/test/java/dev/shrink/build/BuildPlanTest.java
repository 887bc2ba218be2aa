package dev.shrink.build;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shrink.fs.SystemPaths;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a build runs and sees, before any analysis: the command rules, the config, the mounts, and the directories refused. */
class BuildPlanTest {
  @TempDir Path tmp;
  Path proj;
  Path home;
  Builder.Host host;

  @BeforeEach
  void project() throws Exception {
    home = Files.createDirectories(tmp.resolve("home/me"));
    proj = Files.createDirectories(home.resolve("src/proj"));
    Files.writeString(proj.resolve("app.py"), "print('hi')\n");
    Files.createDirectories(proj.resolve("pkg"));
    Files.writeString(proj.resolve("pkg/__main__.py"), "print('pkg')\n");
    host = new Builder.Host(Path.of("/"), proj, List.of(home));
  }

  Builder.Spec spec(String python, List<String> command) {
    return new Builder.Spec(proj, null, List.of(), Map.of(), null, python, command, List.of(), false);
  }

  Builder.Plan plan(Builder.Spec spec) throws Exception {
    return Builder.plan(spec, host, Files.createDirectories(tmp.resolve("work")));
  }

  @Test
  void aScriptOrModuleIsRunByThePythonChosen() throws Exception {
    assertThat(plan(spec(null, List.of("app.py", "--port", "1"))).entrypoint()).containsExactly("python3", "/app/app.py", "--port", "1");
    assertThat(plan(spec("/usr/bin/python3", List.of("app.py"))).entrypoint()).containsExactly("/usr/bin/python3", "/app/app.py");
    assertThat(plan(spec("/usr/bin/python3", List.of("-m", "pkg", "x"))).entrypoint()).containsExactly("/usr/bin/python3", "-m", "pkg", "x");
    assertThat(plan(spec(null, List.of("/usr/bin/python3", "app.py"))).entrypoint()).containsExactly("/usr/bin/python3", "app.py");
    assertThat(plan(spec(null, List.of("gunicorn", "app:api"))).entrypoint()).containsExactly("gunicorn", "app:api");
    // gunicorn's #! names /usr/bin/python3: the two agree
    assertThat(plan(spec("/usr/bin/python3", List.of("/usr/bin/gunicorn", "app:api"))).entrypoint()).containsExactly("/usr/bin/gunicorn", "app:api");
    assertThatThrownBy(() -> plan(spec("/usr/bin/python3", List.of("/bin/true")))).hasMessageContaining(
        "--python /usr/bin/python3 and COMMAND disagree: the program /bin/true runs no Python interpreter");
    assertThatThrownBy(() -> plan(spec(null, List.of("missing.py")))).hasMessageContaining("/app/missing.py, is not in the image");
    assertThatThrownBy(() -> plan(spec(null, List.of()))).hasMessageContaining("no COMMAND");
  }

  /** A virtual environment made by this machine's python3 (its bin/python3 is a link to it), outside the app directory. */
  Path venv() throws Exception {
    Path venv = tmp.resolve("venv");
    Process p = new ProcessBuilder(BuildTesting.PYTHON, "-m", "venv", "--without-pip", venv.toString()).inheritIO().start();
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).isZero();
    return venv;
  }

  Path wrapper(String body) throws Exception {
    Path bin = Files.createDirectories(tmp.resolve("bin"));
    Path python = Files.writeString(bin.resolve("python3"), "#!/bin/sh\n" + body + "\n");
    python.toFile().setExecutable(true);
    return python;
  }

  @Test
  void theDefaultInterpreterIsPython3OnTheUsersPath() throws Exception {
    Path venv = venv();
    host = new Builder.Host(Path.of("/"), proj, List.of(home), List.of(tmp.resolve("nothing-here").toString(), venv.resolve("bin").toString(), "/usr/bin"));
    Builder.Plan inVenv = plan(spec(null, List.of("app.py")));
    assertThat(inVenv.entrypoint()).containsExactly(venv.resolve("bin/python3").toString(), "/app/app.py");
    assertThat(inVenv.notes()).anySatisfy(n -> assertThat(n).startsWith("python3 on your PATH is " + venv.resolve("bin/python3")));
    // the machine's own python3 first on the user's PATH: the image finds it by name
    host = new Builder.Host(Path.of("/"), proj, List.of(home), List.of("/usr/bin", venv.resolve("bin").toString()));
    assertThat(plan(spec(null, List.of("app.py"))).entrypoint()).containsExactly("python3", "/app/app.py");
    // --python in a venv and a program whose #! names the machine's python3: they disagree
    assertThatThrownBy(() -> plan(spec(venv.resolve("bin/python3").toString(), List.of("/usr/bin/gunicorn", "app:api"))))
        .hasMessageContaining("and COMMAND disagree: the program /usr/bin/gunicorn runs /usr/bin/python3");
  }

  @Test
  void aWrapperScriptIsResolvedToTheInterpreterItRunsOrRefused() throws Exception {
    Path shim = wrapper("exec " + BuildTesting.PYTHON + " \"$@\"");
    Builder.Plan p = plan(spec(shim.toString(), List.of("app.py")));
    assertThat(p.entrypoint()).containsExactly(BuildTesting.PYTHON, "/app/app.py");
    assertThat(p.notes()).contains(shim + " is a wrapper script; the interpreter it runs, " + BuildTesting.PYTHON + ", is taken");
    // the same wrapper first on the user's PATH: it runs the python3 the image finds by name
    host = new Builder.Host(Path.of("/"), proj, List.of(home), List.of(shim.getParent().toString()));
    assertThat(plan(spec(null, List.of("app.py"))).entrypoint()).containsExactly("python3", "/app/app.py");

    Path broken = wrapper("echo 'pyenv: python3: command not found' >&2; exit 127");
    assertThatThrownBy(() -> plan(spec(broken.toString(), List.of("app.py")))).hasMessageContaining("--python " + broken
        + " is a wrapper script (it starts with #!), not an interpreter, and shrink cannot tell which interpreter it runs: running it with -c "
        + "exited 127 (pyenv: python3: command not found)");
  }

  @Test
  void anImportOfTheAppsOwnCodeThatCannotBeFoundIsAnErrorAndNothingIsWritten() throws Exception {
    Files.writeString(proj.resolve("app.py"), "import json\ntry:\n    import __pypy__\nexcept ImportError:\n    pass\nimport flask_nowhere\n");
    Path out = tmp.resolve("out.tar");
    BuildTesting.Run r = BuildTesting.shrink(List.of("build", "docker-archive:" + out, "--app", proj.toString(), "--python", BuildTesting.PYTHON,
        "--", "app.py"));
    assertThat(r.code()).as(r.err()).isEqualTo(1);
    assertThat(r.err()).contains("shrink: error: the app's own code imports modules the interpreter /usr/bin/python3", "cannot find, so the image "
        + "would fail: flask_nowhere for import flask_nowhere (/app/app.py:6). Nothing was written").doesNotContain("__pypy__");
    assertThat(out).doesNotExist();
  }

  @Test
  void theConfigHasOnlyTheCommandTheWorkdirAndTheEnvGiven() throws Exception {
    Map<String, String> env = new java.util.LinkedHashMap<>();
    env.put("PORT", "9000");
    env.put("LANG", "C.UTF-8");
    Builder.Spec s = new Builder.Spec(proj, "/srv/www/app", List.of(), env, null, null,
        List.of("app.py"), List.of(), false);
    Builder.Plan p = plan(s);
    assertThat(p.config().entrypoint()).containsExactly("python3", "/srv/www/app/app.py");
    assertThat(p.config().cmd()).isEmpty();
    assertThat(p.config().workingDir()).isEqualTo("/srv/www/app");
    assertThat(p.config().user()).isEmpty();
    assertThat(p.config().env()).containsExactly("PATH=" + SystemPaths.DEFAULT_PATH, "PORT=9000", "LANG=C.UTF-8");
    // /srv/www did not exist: an empty directory of the work dir stands for it; the machine's /srv is untouched
    assertThat(p.root().isRegularFile("/srv/www/app/pkg/__main__.py")).isTrue();
    assertThat(Path.of("/srv/www")).doesNotExist();
    assertThat(p.hostRoot().appDir()).isEqualTo("/srv/www/app");
    assertThat(p.hostRoot().homes()).contains(home.toString());
  }

  @Test
  void copiesAreSeenAtTheirPlaceInTheImage() throws Exception {
    Path conf = Files.writeString(tmp.resolve("settings.toml"), "debug = false\n");
    Path data = Files.createDirectories(tmp.resolve("data"));
    Files.writeString(data.resolve("words.txt"), "a\nb\n");
    Builder.Spec s = new Builder.Spec(proj, null, List.of(new Builder.Copy(conf, "/etc/proj/settings.toml"), new Builder.Copy(data, "/app/data")),
        Map.of(), null, null, List.of("app.py"), List.of(), false);
    Builder.Plan p = plan(s);
    assertThat(new String(p.root().read("/etc/proj/settings.toml"))).isEqualTo("debug = false\n");
    assertThat(p.root().list("/app")).containsExactly("app.py", "data", "pkg");
    assertThat(p.root().isRegularFile("/app/data/words.txt")).isTrue();
    assertThat(p.hostRoot().copies()).containsExactly("/etc/proj/settings.toml", "/app/data");
    assertThat(Path.of("/etc/proj")).doesNotExist();
  }

  @Test
  void theMachinesOwnDirectoriesAreRefusedNamingTheInput() {
    assertThatThrownBy(() -> plan(new Builder.Spec(Path.of("/"), null, List.of(), Map.of(), null, null, List.of("app.py"), List.of(), false)))
        .hasMessageStartingWith("--app / is the root directory of this machine");
    assertThatThrownBy(() -> plan(new Builder.Spec(Path.of("/usr"), null, List.of(), Map.of(), null, null, List.of("app.py"), List.of(), false)))
        .hasMessageStartingWith("--app /usr is a system directory");
    assertThatThrownBy(() -> plan(new Builder.Spec(Path.of("/usr/lib"), null, List.of(), Map.of(), null, null, List.of("app.py"), List.of(), false)))
        .hasMessageStartingWith("--app /usr/lib is a system directory");
    assertThatThrownBy(() -> plan(new Builder.Spec(Path.of("../.."), null, List.of(), Map.of(), null, null, List.of("app.py"), List.of(), false)))
        .hasMessageStartingWith("--app ../.. (" + home + ") is a home directory");
    assertThatThrownBy(() -> plan(new Builder.Spec(home.getParent(), null, List.of(), Map.of(), null, null, List.of("app.py"), List.of(), false)))
        .hasMessageStartingWith("--app " + home.getParent() + " holds the home directory " + home);
    assertThatThrownBy(() -> plan(new Builder.Spec(Path.of("nope"), null, List.of(), Map.of(), null, null, List.of("app.py"), List.of(), false)))
        .hasMessageStartingWith("--app nope: " + proj.resolve("nope") + " does not exist");
    assertThatThrownBy(() -> plan(new Builder.Spec(proj, "/usr", List.of(), Map.of(), null, null, List.of("app.py"), List.of(), false)))
        .hasMessageContaining("/usr is a system directory; it would hide");
    assertThatThrownBy(() -> plan(new Builder.Spec(proj, "/tmp/app", List.of(), Map.of(), null, null, List.of("app.py"), List.of(), false)))
        .hasMessageContaining("tmpfs");
    assertThatThrownBy(() -> plan(new Builder.Spec(proj, null, List.of(new Builder.Copy(home, "/opt/x")), Map.of(), null, null,
        List.of("app.py"), List.of(), false))).hasMessageStartingWith("--copy " + home + " is a home directory");
  }

  @Test
  void theCliRefusesTheHomeDirectoryWithExitCode1() {
    BuildTesting.Run r = BuildTesting.shrink(List.of("build", "oci:" + tmp.resolve("out"), "--app", System.getProperty("user.home"), "--", "app.py"));
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.err()).contains("--app " + System.getProperty("user.home"), "home directory");
    assertThat(tmp.resolve("out")).doesNotExist();
    BuildTesting.Run env = BuildTesting.shrink(List.of("build", "oci:" + tmp.resolve("out"), "--app", proj.toString(), "--env", "HOME", "--", "app.py"));
    assertThat(env.code()).isEqualTo(2);
    assertThat(env.err()).contains("--env HOME: give NAME=VALUE");
  }

  @Test
  void verifyWithoutAnEngineIsExitCode3AndWritesNothing() throws Exception {
    Path out = tmp.resolve("out.tar");
    Path emptyBin = Files.createDirectories(tmp.resolve("bin"));
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    ProcessBuilder pb = new ProcessBuilder(java.toString(), "-cp", System.getProperty("java.class.path"), "dev.shrink.cli.Main", "build",
        "docker-archive:" + out, "--app", proj.toString(), "--verify", "--", "/usr/bin/python3", "app.py").redirectErrorStream(true);
    pb.environment().put("PATH", emptyBin.toString());
    Process p = pb.start();
    String said = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(2, TimeUnit.MINUTES)).isTrue();
    assertThat(p.exitValue()).as(said).isEqualTo(3);
    assertThat(said).contains("--verify runs the built image under podman, which is not installed", "nothing was written");
    assertThat(out).doesNotExist();
  }

  @Test
  void aMissingEntryScriptIsAnErrorAndTheInterpreterTakenIsNamed() throws Exception {
    Path out = tmp.resolve("out.tar");
    BuildTesting.Run nope = BuildTesting.shrink(List.of("build", "docker-archive:" + out, "--app", proj.toString(), "--", "python3", "nope.py"));
    assertThat(nope.code()).as(nope.err()).isEqualTo(1);
    assertThat(nope.err()).contains("the script COMMAND runs, /app/nope.py, is not in the image (the app directory " + proj);
    assertThat(out).doesNotExist();

    BuildTesting.Run ok = BuildTesting.shrink(List.of("build", "docker-archive:" + out, "--app", proj.toString(), "--", "python3", "app.py"));
    assertThat(ok.code()).as(ok.err()).isZero();
    // python3 on the image's PATH is Debian's, a link to the versioned binary
    assertThat(ok.err()).containsPattern("(?m)^python: /usr/bin/python3 \\(/usr/bin/python3\\.\\d+, Python 3\\.\\d+\\.\\d+\\)$");
  }

  @Test
  void aProbeThatGetsNoAnswerFailsTheBuildAndWritesNothing() throws Exception {
    Path out = tmp.resolve("out.tar");
    Path report = tmp.resolve("report.json");
    int port = BuildTesting.freePort();
    // app.py prints and ends: nothing ever listens on the port
    BuildTesting.Run r = BuildTesting.shrink(List.of("build", "docker-archive:" + out, "--app", proj.toString(), "--probe-http", port + ":/number",
        "--report", report.toString(), "--", "/usr/bin/python3", "app.py"));
    assertThat(r.code()).as(r.err()).isEqualTo(1);
    assertThat(r.err()).contains("the program on this machine did not pass the probe GET /number: the program stopped before answering GET /number on "
        + "127.0.0.1:" + port, "Nothing was written");
    assertThat(out).doesNotExist();
    assertThat(report).doesNotExist();
  }

  @Test
  void aProbePortSomethingElseAnswersOnIsRefused() throws Exception {
    Path out = tmp.resolve("out.tar");
    try (ServerSocket busy = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      int port = busy.getLocalPort();
      BuildTesting.Run r = BuildTesting.shrink(List.of("build", "docker-archive:" + out, "--app", proj.toString(), "--probe-http", port + ":/",
          "--", "/usr/bin/python3", "app.py"));
      assertThat(r.code()).isEqualTo(1);
      assertThat(r.err()).contains("--probe-http " + port + ":/: something on this machine already listens on 127.0.0.1:" + port);
    }
    assertThat(out).doesNotExist();
  }
}

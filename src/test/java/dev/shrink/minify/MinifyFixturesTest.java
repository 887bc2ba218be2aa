package dev.shrink.minify;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shrink.cli.Main;
import dev.shrink.json.Json;
import dev.shrink.testing.Fixtures;
import dev.shrink.testing.NeedsEngine;
import dev.shrink.testing.Podman.Container;
import dev.shrink.testing.Podman.Http;
import dev.shrink.testing.Podman;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;

/**
 * Every fixture app, shrunk with no hints, runs FROM scratch on a read-only root as the default
 * non-root user and answers exactly as the fat original does.
 */
@NeedsEngine
class MinifyFixturesTest {
  static final Duration STARTUP = Duration.ofSeconds(60);

  @TempDir Path tmp;

  /** Minifies a fixture into podman's store and returns the shrunk image's name and report. */
  record Shrunk(String image, JsonNode report) {}

  Shrunk minify(String fixture, String tag, String... options) throws Exception {
    return minifyAs("65532:65532", fixture, tag, options);
  }

  Shrunk minifyAs(String expectedUser, String fixture, String tag, String... options) throws Exception {
    String fat = Fixtures.image(fixture);
    String small = Podman.testImage(fixture, tag);
    Path report = tmp.resolve(tag + "-report.json");
    List<String> args = new ArrayList<>(List.of("minify", "containers-storage:" + fat, "containers-storage:" + small, "--report", report.toString()));
    args.addAll(List.of(options));
    assertThat(Main.run(args.toArray(String[]::new))).as("shrink %s", args).isZero();
    JsonNode json = Json.MAPPER.readTree(Files.readAllBytes(report));
    String user = Podman.run("image", "inspect", "--format", "{{.Config.User}}", small).orThrow().stdout().strip();
    assertThat(user).isEqualTo(expectedUser);
    String layers = Podman.run("image", "inspect", "--format", "{{len .RootFS.Layers}}", small).orThrow().stdout().strip();
    assertThat(layers).isEqualTo(String.valueOf(json.path("after").path("layers").size()));
    return new Shrunk(small, json);
  }

  static String run(String image, String... command) {
    List<String> args = new ArrayList<>(List.of("run", "--rm", "--read-only", image));
    args.addAll(List.of(command));
    Podman.Result r = Podman.run(args.toArray(String[]::new));
    assertThat(r.exitCode()).as("%s\n%s", r, r.stderr()).isZero();
    assertThat(r.stderr()).doesNotContain("Traceback", "ModuleNotFoundError", "ImportError", "No such file");
    return r.stdout();
  }

  @Test
  void falconAnswersLikeTheOriginal() throws Exception {
    Shrunk s = minify("falcon", "min");
    answersLikeTheOriginalFalcon(s);
    assertThat(s.report().path("after").path("layers").values()).extracting(l -> l.path("name").asString())
        .containsExactly("runtime", "dependencies", "app");
    long layerBytes = s.report().path("after").path("compressedLayers").asLong();
    long fileBytes = s.report().path("after").path("fileBytes").asLong();
    assertThat(layerBytes).as("gzip layer").isLessThanOrEqualTo(13_000_000L);
    assertThat(fileBytes).as("files").isLessThanOrEqualTo(29_000_000L);
    assertThat(s.report().path("files").values()).anySatisfy(f -> {
      assertThat(f.path("path").asString()).isEqualTo("/usr/lib64/ld-linux-x86-64.so.2");
      assertThat(f.path("type").asString()).isEqualTo("symlink");
    });
    // the standard library's bytecode is loose by default (it starts faster than from the zip): no zip, nothing in one
    assertThat(s.report().path("files").values()).noneMatch(f -> f.path("path").asString().endsWith(".zip") || f.has("in"));
    String where = "import json, encodings; print(json.__file__, encodings.__file__)";
    assertThat(Podman.run("run", "--rm", "--read-only", "--entrypoint", "python3", s.image(), "-c", where).orThrow().stdout())
        .isEqualTo("/usr/lib/python3.11/json/__init__.pyc /usr/lib/python3.11/encodings/__init__.pyc\n");
    // frozen modules: their bytecode is left out (the interpreter imports them from itself), os
    // (getpath's landmark) stays, the import system's own modules are not even analysed as files
    List<String> kept = s.report().path("files").values().stream().map(f -> f.path("path").asString()).toList();
    assertThat(kept).contains("/usr/lib/python3.11/os.pyc", "/usr/lib/python3.11/email/message.pyc")
        .doesNotContain("/usr/lib/python3.11/site.pyc", "/usr/lib/python3.11/codecs.pyc", "/usr/lib/python3.11/zipimport.pyc",
            "/usr/lib/python3.11/importlib/_bootstrap.pyc", "/usr/lib/python3.11/email/architecture.rst");
    assertThat(s.report().path("dropped").values()).filteredOn(d -> d.path("path").asString().equals("/usr/lib/python3.11/site.pyc"))
        .singleElement().satisfies(d -> assertThat(d.path("reason").asString()).startsWith("frozen into /usr/bin/python3"));
    // concurrent.futures' __getattr__ imports the process pool (and multiprocessing) only for a
    // name nothing in Falcon's closure uses: not followed, and the report's notes say why
    assertThat(kept).contains("/usr/lib/python3.11/concurrent/futures/thread.pyc")
        .noneMatch(p -> p.startsWith("/usr/lib/python3.11/multiprocessing/") || p.endsWith("/concurrent/futures/process.pyc"));
    assertThat(s.report().path("notes").values()).extracting(JsonNode::asString).anyMatch(n ->
        n.startsWith("python: not followed: from .process import ProcessPoolExecutor") && n.endsWith("which no kept code names"));
    String frozen = "import site, codecs, importlib.util, sysconfig; print(site.__spec__.origin, codecs.__spec__.origin, "
        + "importlib.util.__spec__.origin, sysconfig.get_config_var('MULTIARCH'))";
    assertThat(Podman.run("run", "--rm", "--read-only", "--entrypoint", "python3", s.image(), "-c", frozen).orThrow().stdout())
        .isEqualTo("frozen frozen frozen x86_64-linux-gnu\n");
    // PEP 538: with no locale in its environment the interpreter coerces C to C.UTF-8, in both images
    String locale = "import locale, os; print(os.environ.get('LC_CTYPE'), locale.setlocale(locale.LC_CTYPE), "
        + "locale.nl_langinfo(locale.CODESET))";
    String original = Podman.run("run", "--rm", "--entrypoint", "python3", Fixtures.image("falcon"), "-c", locale).orThrow().stdout();
    assertThat(original).isEqualTo("C.UTF-8 C.UTF-8 UTF-8\n");
    assertThat(Podman.run("run", "--rm", "--read-only", "--entrypoint", "python3", s.image(), "-c", locale).orThrow().stdout())
        .isEqualTo(original);
  }

  /** At -O2 the image's interpreter compiles every module again: no docstrings, the same answers; with the standard library zipped. */
  @Test
  void falconAtO2AnswersLikeTheOriginalWithoutDocstrings() throws Exception {
    Shrunk s = minify("falcon", "bytecode-o2", "-O2", "--stdlib-zip");
    answersLikeTheOriginalFalcon(s);
    // --stdlib-zip: the standard library's bytecode is in the zip: listed as its members, inside the zip in the image
    assertThat(s.report().path("files").values()).filteredOn(f -> f.path("path").asString().equals("/usr/lib/python311.zip"))
        .singleElement().satisfies(zip -> assertThat(zip.path("reasons").get(0).path("reason").asString()).contains("json, "));
    assertThat(s.report().path("files").values()).filteredOn(f -> f.path("path").asString().startsWith("/usr/lib/python3.11/encodings/"))
        .isNotEmpty().allSatisfy(f -> assertThat(f.path("in").asString()).isEqualTo("/usr/lib/python311.zip"));
    String doc = "import json, gunicorn.app.base as b; print(json.__doc__ is None, b.BaseApplication.__doc__ is None, json.__file__)";
    assertThat(Podman.run("run", "--rm", "--entrypoint", "python3", Fixtures.image("falcon"), "-c", doc).orThrow().stdout())
        .isEqualTo("False False /usr/lib/python3.11/json/__init__.py\n");
    assertThat(Podman.run("run", "--rm", "--read-only", "--entrypoint", "python3", s.image(), "-c", doc).orThrow().stdout())
        .isEqualTo("True True /usr/lib/python311.zip/json/__init__.pyc\n");
    assertThat(s.report().path("files").values()).anySatisfy(f -> {
      assertThat(f.path("path").asString()).isEqualTo("/usr/lib/python3/dist-packages/gunicorn/app/base.pyc");
      assertThat(f.path("reasons").get(0).path("reason").asString()).contains("compiled at -O2 without column positions by the image's /usr/bin/python3");
    });
  }

  /** --pure-python: Debian's falcon runs from its own sources' bytecode, without its Cython builds, and answers the same. */
  @Test
  void falconFromItsPureSourcesAnswersLikeTheOriginal() throws Exception {
    Shrunk s = minify("falcon", "pure", "--pure-python");
    answersLikeTheOriginalFalcon(s);
    String falcon = "/usr/lib/python3/dist-packages/falcon/";
    List<String> kept = s.report().path("files").values().stream().map(f -> f.path("path").asString()).toList();
    assertThat(kept).contains(falcon + "app.pyc", falcon + "request.pyc")
        .doesNotContain(falcon + "app.cpython-311-x86_64-linux-gnu.so", falcon + "request.cpython-311-x86_64-linux-gnu.so");
    assertThat(s.report().path("dropped").values()).anySatisfy(d -> {
      assertThat(d.path("path").asString()).isEqualTo(falcon + "app.cpython-311-x86_64-linux-gnu.so");
      assertThat(d.path("reason").asString()).contains("--pure-python");
    });
    String where = "import falcon.app; print(falcon.app.__file__)";
    assertThat(Podman.run("run", "--rm", "--read-only", "--entrypoint", "python3", s.image(), "-c", where).orThrow().stdout())
        .isEqualTo(falcon + "app.pyc\n");
  }

  private static void answersLikeTheOriginalFalcon(Shrunk s) throws Exception {
    try (Container fat = Podman.startDetached(Fixtures.image("falcon"), 8000, "--read-only");
        Container small = Podman.startDetached(s.image(), 8000, "--read-only")) {
      fat.awaitHttp("/number", STARTUP);
      small.awaitHttp("/number", STARTUP);
      for (String path : List.of("/number", "/missing")) {
        Http a = fat.get(path);
        Http b = small.get(path);
        assertThat(b.status()).isEqualTo(a.status());
        assertThat(b.contentType()).isEqualTo(a.contentType());
      }
      JsonNode a = Json.MAPPER.readTree(fat.get("/number").body());
      JsonNode b = Json.MAPPER.readTree(small.get("/number").body());
      assertThat(b.propertyNames()).isEqualTo(a.propertyNames());
      assertThat(b.get("number").intValue()).isBetween(0, 100);
      assertThat(small.logs()).doesNotContain("Traceback", "Error");
      // nothing unpacks at start: /tmp (the only writable place) is still empty after the first answers
      assertThat(Podman.run("exec", small.id(), "python3", "-c", "import os; print(os.listdir('/tmp'))").orThrow().stdout()).isEqualTo("[]\n");
      assertThat(small.stop()).isZero();
    }
  }

  @Test
  void flaskRendersLikeTheOriginal() throws Exception {
    Shrunk s = minify("flask", "min");
    try (Container fat = Podman.startDetached(Fixtures.image("flask"), 8000, "--read-only");
        Container small = Podman.startDetached(s.image(), 8000, "--read-only")) {
      fat.awaitHttp("/", STARTUP);
      small.awaitHttp("/", STARTUP);
      for (String path : List.of("/", "/?name=shrink", "/?name=%3Cb%3Ex%3C/b%3E", "/nothing")) {
        Http a = fat.get(path);
        Http b = small.get(path);
        assertThat(b.status()).as(path).isEqualTo(a.status());
        assertThat(b.body()).as(path).isEqualTo(a.body());
      }
      assertThat(small.logs()).doesNotContain("Traceback");
    }
  }

  @Test
  void pygmentizePrintsTheSameHtml() throws Exception {
    Shrunk s = minify("pygmentize", "min", "--include", "/usr/share/doc/python3-pygments/copyright", "--exclude", "/etc/gai.conf");
    assertThat(run(s.image())).isEqualTo(run(Fixtures.image("pygmentize"))).isEqualTo(Fixtures.expected("pygmentize", "default"));
    List<String> kept = s.report().path("files").values().stream().map(f -> f.path("path").asString()).toList();
    assertThat(kept).contains("/usr/share/doc/python3-pygments/copyright").doesNotContain("/etc/gai.conf");
    assertThat(s.report().path("files").values()).anySatisfy(f -> {
      assertThat(f.path("path").asString()).isEqualTo("/usr/lib/python3/dist-packages/pygments/lexers/python.pyc");
      assertThat(f.path("reasons").get(0).path("reason").asString()).contains("pygments.lexers._mapping");
    });
  }

  @Test
  void pygmentizeAtO2PrintsTheSameHtml() throws Exception {
    Shrunk s = minify("pygmentize", "bytecode-o2", "-O2");
    assertThat(run(s.image())).isEqualTo(Fixtures.expected("pygmentize", "default"));
    List<String> kept = s.report().path("files").values().stream().map(f -> f.path("path").asString()).toList();
    assertThat(kept).contains("/app/sample.py", "/usr/lib/python3/dist-packages/pygments/lexers/python.pyc")
        .noneMatch(p -> p.startsWith("/usr/lib/python3/dist-packages/pygments/") && (p.endsWith(".py") || p.contains("__pycache__")));
  }

  @Test
  void yamlSqliteScriptPrintsTheSameReport() throws Exception {
    Shrunk s = minify("yaml-sqlite", "min");
    assertThat(run(s.image())).isEqualTo(Fixtures.expected("yaml-sqlite", "default"));
  }

  @Test
  void numpyReachesBlasThroughTheAlternativesLinks() throws Exception {
    Shrunk s = minify("numpy", "min");
    assertThat(run(s.image())).isEqualTo(run(Fixtures.image("numpy")));
    assertThat(s.report().path("files").values()).anySatisfy(f ->
        assertThat(f.path("path").asString()).startsWith("/etc/alternatives/libblas.so.3"));
  }

  /**
   * numpy checks sys.flags.optimize before it attaches docstrings: on -O2 bytecode under a plain
   * interpreter it fails at import (add_docstring gets None). The -O2 image says PYTHONOPTIMIZE=2.
   */
  @Test
  void numpyAtO2RunsBecauseTheImageSaysItsOptimisationLevel() throws Exception {
    Shrunk s = minify("numpy", "bytecode-o2", "-O2");
    assertThat(run(s.image())).isEqualTo(run(Fixtures.image("numpy")));
    String env = Podman.run("image", "inspect", "--format", "{{json .Config.Env}}", s.image()).orThrow().stdout();
    assertThat(env).contains("\"PYTHONOPTIMIZE=2\"");
  }

  /**
   * A python.org-style CPython under /usr/local: libpython comes through the launcher's ELF closure
   * (RUNPATH $ORIGIN/../lib), the standard library and site-packages from /usr/local/lib/python3.11.
   */
  @Test
  void pythonOrgLayoutWithASharedLibpythonRunsLikeTheOriginal() throws Exception {
    Shrunk s = minify("pyorg", "min");
    assertThat(run(s.image())).isEqualTo(run(Fixtures.image("pyorg"))).isEqualTo(Fixtures.expected("pyorg", "default"));
    assertThat(s.report().path("files").values()).anySatisfy(f -> {
      assertThat(f.path("path").asString()).isEqualTo("/usr/local/lib/libpython3.11.so.1.0");
      assertThat(f.path("reasons").values()).anySatisfy(r -> {
        assertThat(r.path("analyser").asString()).isEqualTo("elf");
        assertThat(r.path("reason").asString()).isEqualTo("NEEDED libpython3.11.so.1.0 by /usr/local/bin/python3.11");
      });
    });
    List<String> kept = s.report().path("files").values().stream().map(f -> f.path("path").asString()).toList();
    assertThat(kept).contains("/usr/local/lib/python3.11/site-packages/tally-1.2.0.dist-info/METADATA",
        "/usr/local/lib/python3.11/numbers.pyc").noneMatch(p -> p.startsWith("/usr/lib/python3"));
    // the fixture's launcher turns frozen modules off (PyConfig.use_frozen_modules = 0): site's bytecode is what runs, and stays
    assertThat(kept).contains("/usr/local/lib/python3.11/site.pyc", "/usr/local/lib/python3.11/codecs.pyc");
  }

  @ParameterizedTest
  @ValueSource(strings = {"tls", "tz", "subproc", "multi"})
  void stdlibAppRunsLikeTheOriginal(String script) throws Exception {
    Shrunk s = minify("stdlib-apps", script, "--cmd", "[\"python3\", \"/app/" + script + ".py\"]");
    assertThat(run(s.image())).isEqualTo(Fixtures.expected("stdlib-apps", script));
  }

  @Test
  void userAndGroupLookupsWorkForTheNonRootUser() throws Exception {
    // the app prints who runs it: as the non-root user it answers otherwise than the root-run original, by design
    Shrunk s = minify("stdlib-apps", "users", "--cmd", "[\"python3\", \"/app/users.py\"]", "--no-verify");
    assertThat(run(s.image())).isEqualTo("""
        uid=65532 name=nonroot home=/home/nonroot shell=/sbin/nologin
        gid=65532 group=nonroot
        getuser=nonroot
        root by name: uid=0
        """);
    Shrunk app = minifyAs("10001:10001", "stdlib-apps", "users-app", "--user", "10001", "--cmd", "[\"python3\", \"/app/users.py\"]",
        "--no-verify");
    assertThat(run(app.image())).isEqualTo(Fixtures.expected("stdlib-apps", "users-as-app"));
  }
}

package dev.shrink.build;

import static dev.shrink.build.BuildTesting.STARTUP;
import static org.assertj.core.api.Assertions.assertThat;

import dev.shrink.fs.SystemPaths;
import dev.shrink.json.Json;
import dev.shrink.testing.NeedsEngine;
import dev.shrink.testing.Podman.Container;
import dev.shrink.testing.Podman.Http;
import dev.shrink.testing.Podman;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Virtual environments made with Debian's python3 ({@code -m venv --system-site-packages}, over
 * Debian's python3-falcon and gunicorn): the venv's python (a symlink to the base interpreter, or
 * a copy of it) runs inside the image, with the venv's own site-packages and the system's.
 */
@NeedsEngine
class VenvBuildTest {
  Path work;

  @BeforeEach
  void area() throws Exception {
    Podman.assumeAvailable();
    work = BuildTesting.workArea("venv");
  }

  @AfterEach
  void clean() {
    BuildTesting.delete(work);
  }

  /** A copy of the falcon fixture's app. */
  Path falconProject() throws Exception {
    Path proj = Files.createDirectories(work.resolve("proj"));
    Path app = BuildTesting.projectDir().resolve("fixtures/apps/falcon/app/app.py");
    Files.copy(app, proj.resolve("app.py"));
    return proj;
  }

  @Test
  void falconUnderGunicornFromAVenvAnswersLikeTheFixture() throws Exception {
    Path proj = falconProject();
    Path venv = BuildTesting.venv(work.resolve("venv"), "--system-site-packages");
    assertThat(Files.isSymbolicLink(venv.resolve("bin/python3"))).isTrue();
    Path archive = work.resolve("falcon.tar");
    Path report = work.resolve("report.json");
    String image = "localhost/shrink-test/build-falcon-venv:latest";
    long start = System.nanoTime();
    String err = BuildTesting.build(List.of("docker-archive:" + archive + ":shrink-test/build-falcon-venv:latest", "--app", proj.toString(),
        "--report", report.toString(), "--", venv + "/bin/python", "-m", "gunicorn", "-b", "0.0.0.0:8000", "app:api"));
    System.out.printf("falcon from a venv: built in %.1f s%n%s", (System.nanoTime() - start) / 1e9, err);
    BuildTesting.load(archive, image);

    try (Container c = Podman.startDetached(image, 8000, "--read-only")) {
      c.awaitHttp("/number", STARTUP);
      // what fixtures/apps/falcon answers: {"lowerLimit": 0, "higherLimit": 100, "number": N}, N in [0, 100]
      Http number = c.get("/number");
      assertThat(number.status()).isEqualTo(200);
      assertThat(number.contentType()).isEqualTo("application/json");
      JsonNode body = Json.MAPPER.readTree(number.body());
      assertThat(body.propertyNames()).containsExactly("lowerLimit", "higherLimit", "number");
      assertThat(body.get("lowerLimit").intValue()).isZero();
      assertThat(body.get("higherLimit").intValue()).isEqualTo(100);
      assertThat(body.get("number").intValue()).isBetween(0, 100);
      assertThat(c.get("/missing").status()).isEqualTo(404);
      assertThat(c.logs()).contains("Booting worker").doesNotContain("Traceback", "Error");
      assertThat(c.stop()).isZero();
    }

    JsonNode r = BuildTesting.report(report);
    Map<String, String> kept = BuildTesting.kept(r);
    assertThat(kept).containsEntry(venv + "/bin/python", "symlink").containsEntry(venv + "/bin/python3", "symlink")
        .containsEntry(venv + "/pyvenv.cfg", "file").containsEntry("/usr/bin/python3.11", "file")
        .containsKey("/app/app.py");
    assertThat(kept.keySet()).anyMatch(p -> p.startsWith("/usr/lib/python3/dist-packages/gunicorn/__main__.py"));
    // the venv's own site-packages come first: gunicorn's pkg_resources is the venv's setuptools'
    assertThat(kept.keySet()).anyMatch(p -> p.startsWith(venv + "/lib/python3.11/site-packages/pkg_resources/__init__.py"));
    assertThat(kept.keySet()).noneMatch(p -> p.contains("/site-packages/pip/"));
    assertThat(r.path("after").path("compressedLayers").asLong()).as("gzip layer").isLessThanOrEqualTo(14_000_000L);
    assertThat(r.path("after").path("fileBytes").asLong()).as("files").isLessThanOrEqualTo(36_000_000L);
  }

  /** An app whose module lives in the venv's site-packages and which imports falcon from the system's. */
  Path venvProject(Path venvSitePackages) throws Exception {
    Files.writeString(venvSitePackages.resolve("venvonly.py"), "WHERE = 'venv site-packages'\n");
    Path proj = Files.isDirectory(work.resolve("proj")) ? work.resolve("proj") : Files.createDirectories(work.resolve("proj"));
    Files.writeString(proj.resolve("app.py"), """
        import sys
        import falcon
        import venvonly
        print(venvonly.WHERE)
        print("falcon", falcon.__version__, "from", falcon.__file__.rsplit("/falcon/", 1)[0])
        print("prefix", sys.prefix, "base", sys.base_prefix)
        """);
    return proj;
  }

  @Test
  void aVenvInsideTheAppDirectoryStaysWhereItWasMade() throws Exception {
    Path proj = Files.createDirectories(work.resolve("proj"));
    Path venv = BuildTesting.venv(proj.resolve(".venv"), "--system-site-packages", "--without-pip");
    venvProject(venv.resolve("lib/python3.11/site-packages"));
    Path archive = work.resolve("in-app.tar");
    Path report = work.resolve("report.json");
    String image = "localhost/shrink-test/build-venv-in-app:latest";
    // the COMMAND names the venv through the app directory, as it is seen in the image
    String err = BuildTesting.build(List.of("docker-archive:" + archive + ":shrink-test/build-venv-in-app:latest", "--app", proj.toString(),
        "--report", report.toString(), "--", ".venv/bin/python", "app.py"));
    assertThat(err).contains("note: the virtual environment /app/.venv is used at " + venv);
    BuildTesting.load(archive, image);
    String env = Podman.run("image", "inspect", "--format", "{{json .Config.Entrypoint}} {{json .Config.Env}}", image).orThrow().stdout().strip();
    assertThat(env).isEqualTo("[\"" + venv + "/bin/python\",\"app.py\"] [\"PATH=" + venv + "/bin:" + SystemPaths.DEFAULT_PATH + "\"]");
    assertThat(BuildTesting.run(List.of(), image)).isEqualTo("""
        venv site-packages
        falcon 3.1.1 from /usr/lib/python3/dist-packages
        prefix %s base /usr
        """.formatted(venv));
    Map<String, String> kept = BuildTesting.kept(BuildTesting.report(report));
    assertThat(kept).containsEntry(venv + "/bin/python", "symlink").containsKey(venv + "/lib/python3.11/site-packages/venvonly.pyc");
    // the venv is not copied with the app directory: only what the analysis found, at the venv's own place
    assertThat(kept.keySet()).noneMatch(p -> p.startsWith("/app/.venv"));
    assertThat(kept.keySet()).noneMatch(p -> p.startsWith(venv + "/bin/activate"));
  }

  @Test
  void aVenvWithACopiedInterpreterRunsAScriptGivenToPython() throws Exception {
    Path venv = BuildTesting.venv(work.resolve("venv-copies"), "--system-site-packages", "--without-pip", "--copies");
    assertThat(Files.isSymbolicLink(venv.resolve("bin/python3"))).isFalse();
    Path proj = venvProject(venv.resolve("lib/python3.11/site-packages"));
    Path archive = work.resolve("copies.tar");
    Path report = work.resolve("report.json");
    String image = "localhost/shrink-test/build-venv-copies:latest";
    BuildTesting.build(List.of("docker-archive:" + archive + ":shrink-test/build-venv-copies:latest", "--app", proj.toString(),
        "--python", venv + "/bin/python3", "--report", report.toString(), "--", "app.py"));
    BuildTesting.load(archive, image);
    String entrypoint = Podman.run("image", "inspect", "--format", "{{json .Config.Entrypoint}}", image).orThrow().stdout().strip();
    assertThat(entrypoint).isEqualTo("[\"" + venv + "/bin/python3\",\"/app/app.py\"]");
    assertThat(BuildTesting.run(List.of(), image)).isEqualTo("""
        venv site-packages
        falcon 3.1.1 from /usr/lib/python3/dist-packages
        prefix %s base /usr
        """.formatted(venv));
    Map<String, String> kept = BuildTesting.kept(BuildTesting.report(report));
    assertThat(kept).containsEntry(venv + "/bin/python3", "file").containsKey("/usr/lib/python3.11/os.pyc");
  }
}

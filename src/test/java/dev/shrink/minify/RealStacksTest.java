package dev.shrink.minify;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shrink.cli.Main;
import dev.shrink.engine.Engine;
import dev.shrink.json.Json;
import dev.shrink.probe.ContainerRunner;
import dev.shrink.probe.Outcome;
import dev.shrink.probe.Probe;
import dev.shrink.testing.Fixtures;
import dev.shrink.testing.NeedsEngine;
import dev.shrink.testing.Podman;
import dev.shrink.verify.Verifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * Images made the way users make them (wheels pip-installed into a venv on Debian's python3, a
 * python.org-style interpreter under /usr/local found through ldconfig), shrunk by {@code minify
 * SRC DEST} with no hints, behave like their originals: the project's {@link Verifier} runs both,
 * the shrunk one read-only as its own non-root user, and compares the answers (issue 15).
 */
@NeedsEngine
class RealStacksTest {
  @TempDir Path tmp;

  /**
   * Minifies the fixture with no options, prints its sizes, and verifies the result against the
   * original with {@code probes} (none: the default command). Returns the shrunk image's outcomes.
   */
  List<Outcome> shrinksAndAnswersLikeTheOriginal(String fixture, Probe... probes) throws Exception {
    String fat = Fixtures.image(fixture);
    String small = Podman.testImage(fixture, "real");
    Path report = tmp.resolve("report.json");
    long started = System.nanoTime();
    int code = Main.run("minify", "containers-storage:" + fat, "containers-storage:" + small, "--report", report.toString());
    long millis = (System.nanoTime() - started) / 1_000_000;
    assertThat(code).as("shrink minify %s", fat).isZero();
    JsonNode json = Json.MAPPER.readTree(Files.readAllBytes(report));
    JsonNode before = json.path("before");
    JsonNode after = json.path("after");
    System.err.printf("real stack %s: fat %d B (gzip %d B, %d files), shrunk %d B (gzip %d B), %d files kept, minify %d ms%n", fixture,
        before.path("fileBytes").asLong(), before.path("compressedLayers").asLong(), before.path("files").asLong(),
        after.path("uncompressedLayers").asLong(), after.path("compressedLayers").asLong(), after.path("files").asLong(), millis);
    Engine podman = Engine.podman();
    ContainerRunner.Settings settings =
        ContainerRunner.Settings.fromEngine(podman, fat, null, null, Duration.ofSeconds(90), Duration.ofSeconds(180));
    Verifier.Report verdict = Verifier.verify(podman, fat, podman, small,
        probes.length == 0 ? List.of(new Probe.Cmd(List.of())) : List.of(probes), List.of(), settings);
    assertThat(verdict.original()).as("the original answers").allSatisfy(o -> assertThat(o.error()).isNull());
    assertThat(verdict.differences()).as("%s shrunk: %s\nlogs of the shrunk image:\n%s", fixture, verdict.differences(),
        verdict.shrunk().get(0).logs()).isEmpty();
    return verdict.shrunk();
  }

  @Test
  void numpyAndPandasInAVenv() throws Exception {
    List<Outcome> shrunk = shrinksAndAnswersLikeTheOriginal("numpy-pandas");
    assertThat(shrunk.get(0).body()).isEqualTo(Fixtures.expected("numpy-pandas", "default"));
  }

  /** The ~490 MB image of issue 17: scipy and scikit-learn load much by computed names and from C. */
  @Test
  void scikitLearnAndScipyInAVenv() throws Exception {
    List<Outcome> shrunk = shrinksAndAnswersLikeTheOriginal("sklearn");
    assertThat(shrunk.get(0).body()).isEqualTo(Fixtures.expected("sklearn", "default"));
  }

  @Test
  void sqlalchemyOrmOnSqlite() throws Exception {
    List<Outcome> shrunk = shrinksAndAnswersLikeTheOriginal("sqlalchemy");
    assertThat(shrunk.get(0).body()).isEqualTo(Fixtures.expected("sqlalchemy", "default"));
  }

  @Test
  void djangoUnderGunicornInAVenv() throws Exception {
    List<Outcome> shrunk = shrinksAndAnswersLikeTheOriginal("django",
        new Probe.Http(8000, "/"), new Probe.Http(8000, "/hello/shrink/"), new Probe.Http(8000, "/missing"));
    assertThat(shrunk).extracting(Outcome::status).containsExactly(200, 200, 404);
    assertThat(shrunk.get(0).body()).contains("<h1>Hello, world!</h1>", "<li>2. Bread</li>", "href=\"/static/pages/site.css\"");
  }

  @Test
  void fastapiWithThreadedEndpointsUnderUvicorn() throws Exception {
    List<Outcome> shrunk = shrinksAndAnswersLikeTheOriginal("fastapi",
        new Probe.Http(8000, "/health"), new Probe.Http(8000, "/items/2"), new Probe.Http(8000, "/items/9"));
    assertThat(shrunk).extracting(Outcome::status).containsExactly(200, 200, 404);
    assertThat(shrunk.get(1).body()).isEqualTo("{\"id\":2,\"name\":\"lamp\",\"price\":12.0,\"tags\":[\"light\",\"desk\"]}");
  }

  @Test
  void fastapiFromDebianPackages() throws Exception {
    List<Outcome> shrunk = shrinksAndAnswersLikeTheOriginal("fastapi-debian", new Probe.Http(8000, "/health"));
    assertThat(shrunk.get(0).status()).isEqualTo(200);
  }

  @Test
  void flaskOnAPythonOrgInterpreterFoundThroughTheLoaderCache() throws Exception {
    List<Outcome> shrunk = shrinksAndAnswersLikeTheOriginal("flask-pyorg",
        new Probe.Http(8000, "/?name=shrink"), new Probe.Http(8000, "/sum/2/40"), new Probe.Http(8000, "/nothing"));
    assertThat(shrunk).extracting(Outcome::status).containsExactly(200, 200, 404);
    assertThat(shrunk.get(0).body()).contains("<h1>Hello, shrink!</h1>");
  }
}

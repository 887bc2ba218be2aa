package dev.shrink.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shrink.testing.Podman.Container;
import dev.shrink.testing.Podman.Http;
import dev.shrink.testing.Podman.Result;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Every fat fixture builds and, run by podman with its default user and (where the app allows) a
 * read-only root, does what it should. What these tests accept is the oracle for shrunk images.
 */
@NeedsEngine
class FixturesTest {
  private static final Duration STARTUP = Duration.ofSeconds(60);
  private static final JsonMapper JSON = JsonMapper.builder().build();

  @BeforeAll
  static void podman() {
    Podman.assumeAvailable();
  }

  /** {@code podman run --rm --read-only [OPTIONS] IMAGE [COMMAND]}, which must exit 0. */
  private static Result runOk(String image, List<String> options, String... command) {
    List<String> args = new ArrayList<>(List.of("run", "--rm", "--read-only"));
    args.addAll(options);
    args.add(image);
    args.addAll(Arrays.asList(command));
    Result result = Podman.run(Podman.DEFAULT_TIMEOUT, args);
    assertThat(result.exitCode()).as("exit code of %s", result).isZero();
    assertThat(result.stderr()).as("stderr of %s", result).isEmpty();
    return result;
  }

  @Test
  void falconAnswersRandomNumbersAsJson() throws Exception {
    String image = Fixtures.image("falcon");
    assertThat(Fixtures.descriptor("falcon").expose()).containsExactly(8000);
    try (Container c = Podman.startDetached(image, 8000, "--read-only")) {
      c.awaitHttp("/number", STARTUP);
      Set<Integer> seen = new HashSet<>();
      for (int i = 0; i < 20; i++) {
        Http answer = c.get("/number");
        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.contentType()).startsWith("application/json");
        JsonNode json = JSON.readTree(answer.body());
        assertThat(json.propertyNames()).containsExactly("lowerLimit", "higherLimit", "number");
        assertThat(json.get("lowerLimit").intValue()).isZero();
        assertThat(json.get("higherLimit").intValue()).isEqualTo(100);
        assertThat(json.get("number").isInt()).isTrue();
        assertThat(json.get("number").intValue()).isBetween(0, 100);
        seen.add(json.get("number").intValue());
      }
      assertThat(seen).as("20 random numbers").hasSizeGreaterThan(1);
      assertThat(c.get("/nothing-here").status()).isEqualTo(404);
    }
  }

  @Test
  void flaskRendersTheTemplateWithTheQueryValue() throws Exception {
    String image = Fixtures.image("flask");
    try (Container c = Podman.startDetached(image, 8000, "--read-only")) {
      c.awaitHttp("/", STARTUP);
      Http answer = c.get("/?name=shrink");
      assertThat(answer.status()).isEqualTo(200);
      assertThat(answer.contentType()).startsWith("text/html");
      assertThat(answer.body())
          .contains("<title>shrink flask fixture</title>")
          .contains("<h1>Hello, shrink!</h1>")
          .contains("<p>6 characters, SHRINK in capitals.</p>");
      assertThat(c.get("/").body()).contains("<h1>Hello, world!</h1>");
      // Autoescaping (markupsafe) of a .html template.
      assertThat(c.get("/?name=%3Cb%3Ex%3C/b%3E").body())
          .contains("<h1>Hello, &lt;b&gt;x&lt;/b&gt;!</h1>");
      assertThat(c.running()).isTrue();
      assertThat(c.stop()).as("gunicorn's exit code on SIGTERM").isZero();
    }
  }

  @Test
  void pygmentizeHighlightsTheSample() {
    String image = Fixtures.image("pygmentize");
    String out = runOk(image, List.of()).stdout();
    assertThat(out).startsWith("<div class=\"highlight\"><pre>")
        .contains("<span class=\"k\">def</span> <span class=\"nf\">area</span>");
    assertThat(out).isEqualTo(Fixtures.expected("pygmentize", "default"));
  }

  @Test
  void yamlSqliteReportsPopulations() {
    String image = Fixtures.image("yaml-sqlite");
    assertThat(runOk(image, List.of()).stdout())
        .isEqualTo(Fixtures.expected("yaml-sqlite", "default"))
        .contains("TR: 3 cities, 25900000 people, largest Istanbul");
  }

  @Test
  void numpyGoesThroughBlasAndLapackOfTheAlternatives() {
    String image = Fixtures.image("numpy");
    assertThat(runOk(image, List.of()).stdout())
        .isEqualTo(Fixtures.expected("numpy", "default"))
        .contains("mapped: /usr/lib/x86_64-linux-gnu/blas/libblas.so.3")
        .contains("mapped: /usr/lib/x86_64-linux-gnu/lapack/liblapack.so.3");
    String links = runOk(image, List.of(), "readlink",
            "/usr/lib/x86_64-linux-gnu/libblas.so.3",
            "/etc/alternatives/libblas.so.3-x86_64-linux-gnu",
            "/usr/lib/x86_64-linux-gnu/liblapack.so.3",
            "/etc/alternatives/liblapack.so.3-x86_64-linux-gnu")
        .stdout();
    assertThat(links).isEqualTo(String.join("\n",
        "/etc/alternatives/libblas.so.3-x86_64-linux-gnu",
        "/usr/lib/x86_64-linux-gnu/blas/libblas.so.3",
        "/etc/alternatives/liblapack.so.3-x86_64-linux-gnu",
        "/usr/lib/x86_64-linux-gnu/lapack/liblapack.so.3",
        ""));
  }

  @ParameterizedTest
  @ValueSource(strings = {"tls", "tz", "users", "subproc", "multi"})
  void stdlibScriptPrintsItsExpectedOutput(String script) {
    String image = Fixtures.image("stdlib-apps");
    assertThat(runOk(image, List.of(), "python3", "/app/" + script + ".py").stdout())
        .isEqualTo(Fixtures.expected("stdlib-apps", script));
  }

  @ParameterizedTest
  @ValueSource(strings = {"app", "10001"})
  void usersScriptRunsAsNonRoot(String user) {
    String image = Fixtures.image("stdlib-apps");
    assertThat(runOk(image, List.of("--user", user), "python3", "/app/users.py").stdout())
        .isEqualTo(Fixtures.expected("stdlib-apps", "users-as-app"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"tls", "tz", "subproc", "multi"})
  void stdlibScriptAlsoRunsAsNonRoot(String script) {
    String image = Fixtures.image("stdlib-apps");
    assertThat(runOk(image, List.of("--user", "app"), "python3", "/app/" + script + ".py").stdout())
        .isEqualTo(Fixtures.expected("stdlib-apps", script));
  }

  static List<String> names() {
    return Fixtures.NAMES;
  }

  /** The images look like ones made by a Dockerfile: base layer + app layer, config from the descriptor. */
  @ParameterizedTest
  @MethodSource("names")
  void imageHasTheDescriptorsConfigAndTwoLayers(String name) {
    String image = Fixtures.image(name);
    Fixtures.Descriptor d = Fixtures.descriptor(name);
    JsonNode inspect = JSON.readTree(Podman.run("image", "inspect", image).orThrow().stdout()).get(0);
    JsonNode config = inspect.get("Config");
    assertThat(inspect.get("RootFS").get("Layers").size()).isEqualTo(2);
    assertThat(config.get("WorkingDir").stringValue()).isEqualTo(d.workdir());
    assertThat(strings(config.get("Entrypoint"))).isEqualTo(d.entrypoint());
    assertThat(strings(config.get("Cmd"))).isEqualTo(d.cmd());
    List<String> ports = new ArrayList<>();
    if (config.has("ExposedPorts")) {
      config.get("ExposedPorts").propertyNames().forEach(ports::add);
    }
    assertThat(ports).containsExactlyInAnyOrderElementsOf(
        d.expose().stream().map(p -> p + "/tcp").toList());
    assertThat(config.get("Labels").get("shrink.fixture.name").stringValue()).isEqualTo(name);
    assertThat(inspect.get("Size").longValue()).isGreaterThan(100_000_000L);
  }

  private static List<String> strings(JsonNode array) {
    List<String> out = new ArrayList<>();
    if (array != null && array.isArray()) {
      array.forEach(n -> out.add(n.stringValue()));
    }
    return out;
  }

  /** A second build.sh run finds the image up to date and leaves it as it is. */
  @Test
  void buildIsIdempotent() {
    String image = Fixtures.image("yaml-sqlite");
    String before = Podman.run("image", "inspect", "--format", "{{.Id}}", image).orThrow().stdout();
    assertThat(Fixtures.build("yaml-sqlite")).isEqualTo(image);
    String after = Podman.run("image", "inspect", "--format", "{{.Id}}", image).orThrow().stdout();
    assertThat(after).isEqualTo(before);
  }
}

package dev.shrink.minify;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shrink.image.ImageConfig;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/** The output's config: the command as it runs, the run user, no shell or healthcheck, a history entry per layer, PYTHONOPTIMIZE. */
class OutputConfigTest {
  private static final ImageConfig SOURCE = ImageConfig.parse("""
      {"architecture": "amd64", "os": "linux",
       "config": {"User": "root", "Entrypoint": ["/bin/sh", "-c"], "Cmd": ["gunicorn app:api"], "WorkingDir": "/srv",
                  "Env": ["PATH=/usr/bin", "PYTHONOPTIMIZE=1"], "Shell": ["/bin/bash", "-c"],
                  "Healthcheck": {"Test": ["CMD", "curl", "-f", "http://localhost/"]}, "Labels": {"a": "b"}},
       "history": [{"created_by": "RUN apt-get install python3"}]}""".getBytes(StandardCharsets.UTF_8), "test config");
  private static final RunCommand RUN = new RunCommand(List.of("/usr/bin/gunicorn", "app:api"), List.of("/usr/bin/gunicorn"), List.of("app:api"),
      "/app", Map.of(), List.of(), List.of(), List.of());
  private static final Essentials USER = Essentials.synthesized("65532:65532");

  private static List<String> strings(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(x -> out.add(x.asString()));
    return out;
  }

  @Test
  void theCommandAsItRunsTheRunUserAndAHistoryEntryPerLayer() {
    ObjectNode doc = OutputConfig.of(SOURCE, RUN, USER, 86_400, "shrink minify", List.of(LayerSplit.Part.RUNTIME, LayerSplit.Part.APP), 0);
    JsonNode c = doc.path("config");
    assertThat(c.path("User").asString()).isEqualTo("65532:65532");
    assertThat(strings(c.path("Entrypoint"))).containsExactly("/usr/bin/gunicorn");
    assertThat(strings(c.path("Cmd"))).containsExactly("app:api");
    assertThat(c.path("WorkingDir").asString()).isEqualTo("/app");
    assertThat(c.has("Shell")).as("no shell in the output to run it").isFalse();
    assertThat(c.has("Healthcheck")).as("no curl in the output to run it").isFalse();
    assertThat(strings(c.path("Env"))).as("left as it is without optimised bytecode").containsExactly("PATH=/usr/bin", "PYTHONOPTIMIZE=1");
    assertThat(c.path("Labels").path("a").asString()).isEqualTo("b");
    assertThat(doc.path("created").asString()).isEqualTo("1970-01-02T00:00:00Z");
    assertThat(doc.path("history")).hasSize(2);
    assertThat(doc.path("history").get(1).path("created_by").asString()).isEqualTo("shrink minify (app layer)");
    assertThat(strings(SOURCE.copy().path("config").path("Cmd"))).as("the source's config is not changed").containsExactly("gunicorn app:api");
  }

  @Test
  void optimisedBytecodeSetsPythonOptimizeOnce() {
    ObjectNode doc = OutputConfig.of(SOURCE, RUN, USER, 0, "shrink build", List.of(LayerSplit.Part.RUNTIME), 2);
    assertThat(strings(doc.path("config").path("Env"))).containsExactly("PATH=/usr/bin", "PYTHONOPTIMIZE=2");
  }

  @Test
  void noCmdAndNoEntrypointAreLeftOut() {
    RunCommand bare = new RunCommand(List.of("/usr/bin/python3"), List.of(), List.of("/usr/bin/python3"), "/", Map.of(), List.of(), List.of(),
        List.of());
    ObjectNode doc = OutputConfig.of(SOURCE, bare, USER, 0, "shrink minify", List.of(LayerSplit.Part.RUNTIME), 0);
    assertThat(doc.path("config").has("Entrypoint")).isFalse();
    assertThat(strings(doc.path("config").path("Cmd"))).containsExactly("/usr/bin/python3");
  }
}

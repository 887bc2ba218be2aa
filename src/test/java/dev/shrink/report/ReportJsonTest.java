package dev.shrink.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shrink.closure.Analyser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/** The report's JSON: the field names users and tests read, written once and read back the same. */
class ReportJsonTest {
  static Report sample() {
    Report.Options options = new Report.Options("minify", null, null, null, List.of(), List.of("/app/notes*"), false, 0, false, false,
        "gzip", 12, false, true);
    return new Report("0.1.0", "synthetic", "65532 (nonroot)", null, options, List.of(), List.of(
        new Report.KeptFile("/tmp", Report.Type.DIRECTORY, null, null, null, null, List.of(new Report.Reason(Analyser.ESSENTIALS, "writable temp directory", null)),
            null),
        new Report.KeptFile("/usr/bin/python3", Report.Type.SYMLINK, null, null, null, null, List.of(new Report.Reason(Analyser.ENTRYPOINT, "program", null)),
            "runtime"),
        new Report.KeptFile("/usr/lib/python3.11/json/__init__.pyc", Report.Type.FILE, 1200L, null, "/usr/lib/python311.zip", null,
            List.of(new Report.Reason(Analyser.PYTHON, "import json (/app/app.py:1)", null)), "runtime")),
        new Report.Sizes(1000, 10, 2000), new Report.After(100, 2, 300, 400, List.of(new Report.Layer("runtime", "interpreter", "sha256:ab", 100, 400, 2))),
        List.of(new Report.PathReason("/app/x.pyi", "no runtime reads it")), null, null, List.of("elf: a needs b"), List.of("python: note"), null);
  }

  @Test
  void usesTheFieldNamesOfTheReportAndLeavesOutWhatIsNotKnown() {
    JsonNode json = ReportJson.tree(sample());
    assertThat(json.propertyNames()).containsExactly("shrinkVersion", "source", "user", "options", "probes", "files", "before", "after",
        "dropped", "problems", "notes");
    JsonNode python = json.path("files").get(2);
    assertThat(python.path("type").asString()).isEqualTo("file");
    assertThat(python.path("size").asLong()).isEqualTo(1200);
    assertThat(python.path("in").asString()).isEqualTo("/usr/lib/python311.zip");
    assertThat(python.path("reasons").get(0).path("analyser").asString()).isEqualTo("python");
    assertThat(json.path("files").get(0).has("size")).isFalse();
    assertThat(json.path("files").get(0).has("layer")).as("a directory, which every layer repeats").isFalse();
    assertThat(python.propertyNames()).containsExactly("path", "type", "layer", "size", "in", "reasons");
    assertThat(python.path("layer").asString()).isEqualTo("runtime");
    assertThat(json.path("files").get(1).path("type").asString()).isEqualTo("symlink");
    assertThat(json.path("before").propertyNames()).containsExactly("compressedLayers", "files", "fileBytes");
    assertThat(json.path("after").propertyNames()).containsExactly("compressedLayers", "files", "fileBytes", "uncompressedLayers", "layers");
    assertThat(json.path("after").path("layers").get(0).propertyNames()).containsExactly("name", "description", "digest", "compressed",
        "uncompressed", "files");
    assertThat(json.path("dropped").get(0).path("reason").asString()).isEqualTo("no runtime reads it");
    assertThat(json.path("options").path("exclude").get(0).asString()).isEqualTo("/app/notes*");
    assertThat(json.path("options").has("entrypoint")).isFalse();
  }

  @Test
  void aWrittenReportReadsBackTheSame(@TempDir Path dir) throws IOException {
    Report written = sample().written("sha256:cafe", List.of("start-up GET /")).withRepair(List.of(
        new Report.RepairRound(0, List.of(), true, List.of(), List.of(), List.of())));
    Path file = dir.resolve("report.json");
    ReportJson.write(written, file);
    assertThat(ReportJson.read(file)).isEqualTo(written);
    assertThat(ReportJson.tree(written).path("digest").asString()).isEqualTo("sha256:cafe");
    assertThat(dir.toFile().list()).containsExactly("report.json");
  }

  @Test
  void aFileThatIsNoReportIsRefusedByName(@TempDir Path dir) throws IOException {
    Path file = Files.writeString(dir.resolve("x.json"), "{\"a\": 1}");
    assertThatThrownBy(() -> ReportJson.read(file)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining(file.toString());
    Files.writeString(file, "not json");
    assertThatThrownBy(() -> ReportJson.read(file)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining(file.toString());
  }
}

package dev.shrink.run;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shrink.build.Builder;
import dev.shrink.minify.Minifier;
import dev.shrink.probe.Probe;
import dev.shrink.repair.Repair;
import dev.shrink.report.Report;
import dev.shrink.transport.ImageReference;
import dev.shrink.transport.TransportOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The runs behind the minify and build commands, called as a library without an engine: build the
 * bundled example with this machine's python3, then minify that image with no probe.
 */
class RunTest {
  static final Path EXAMPLE = Path.of("examples/hello-api").toAbsolutePath();

  @Test
  void buildThenMinifyItsImageWriteTheImagesAndTheirReports(@TempDir Path tmp) throws IOException {
    TransportOptions options = TransportOptions.builder().tempDir(tmp).build();
    Probing probing = new Probing(List.of(), "auto", Duration.ofSeconds(30), List.of());
    ImageReference built = ImageReference.parse("oci:" + tmp.resolve("built") + ":x");
    Builder.Spec spec = new Builder.Spec(EXAMPLE, null, List.of(), Map.of(), null, null, List.of("/usr/bin/python3", "server.py"), List.of(),
        false);
    List<String> progress = new ArrayList<>();
    BuildRun.Result b = BuildRun.run(new BuildRun.Request(spec, Minifier.Output.defaults(), built, options, probing, null,
        new ReportFiles(tmp.resolve("build.json"), null, Map.of()), true), progress::add);

    assertThat(b.missingEngine()).isNull();
    assertThat(b.verified()).isNull();
    assertThat(b.notVerified()).startsWith("no probe given, so COMMAND did not run here");
    assertThat(progress).singleElement().asString().startsWith("python: /usr/bin/python3 (");
    assertThat(b.report().digest()).isEqualTo(Written.digest(built, options)).startsWith("sha256:");
    assertThat(b.report().files()).extracting(Report.KeptFile::path).contains("/app/server.py", "/etc/passwd");
    assertThat(tmp.resolve("build.json")).isRegularFile();

    ImageReference small = ImageReference.parse("oci:" + tmp.resolve("small") + ":x");
    List<String> told = new ArrayList<>();
    MinifyRun.Result m = MinifyRun.run(new MinifyRun.Request(built, options, small, options, Minifier.Options.builder().build(), probing,
        true, null, 3, ReportFiles.NONE, false), new MinifyRun.Listener() {
          @Override
          public void progress(String line) {
            told.add(line);
          }

          @Override
          public void round(Repair.Round round) {
            told.add("round " + round.number());
          }
        });

    assertThat(told).isEmpty();
    assertThat(m.repaired()).isNull();
    assertThat(m.traced()).isFalse();
    assertThat(m.notVerified()).isEqualTo("--no-probe leaves no run of SRC to compare DEST with");
    assertThat(m.probes()).extracting(Probe::label).isEmpty();
    assertThat(m.report().digest()).as("not asked for").isNull();
    assertThat(m.report().files()).extracting(Report.KeptFile::path).contains("/app/server.py", "/usr/bin/python3");
    assertThat(Files.isDirectory(tmp.resolve("small/blobs"))).isTrue();
    try (var stream = Files.list(tmp)) {
      assertThat(stream.map(p -> p.getFileName().toString())).as("the work directories are removed")
          .contains("built", "small", "build.json").noneMatch(n -> n.startsWith("shrink-build-") || n.startsWith("shrink-minify-"));
    }
  }
}

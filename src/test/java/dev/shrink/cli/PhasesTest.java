package dev.shrink.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.shrink.testing.Cli;
import dev.shrink.testing.Cli.Run;
import dev.shrink.testing.Fixtures;
import dev.shrink.testing.Podman;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The phases of a command on stderr when it is not a terminal: a line as each ends, and the --timings table at the end. */
class PhasesTest {
  private static final String LINE = "phase: %s \\d+\\.\\d\\d s";
  private static final String ROW = "%s +\\d+\\.\\d\\d +(\\d+\\.\\d|-)";

  @TempDir Path tmp;

  private static final Path APP = Path.of(System.getProperty("shrink.project.dir", ""), "examples/hello-api").toAbsolutePath();

  @Test
  void buildTellsEachPhaseAsItEndsAndTheTableAtTheEnd() {
    Path archive = tmp.resolve("hello.tar");
    Run r = Cli.run("build", "docker-archive:" + archive + ":hello:v1", "--app", APP.toString(), "--timings", "--", "/usr/bin/python3",
        "server.py");
    assertThat(r.exit()).as(r.err()).isZero();
    List<String> err = r.err().lines().toList();
    // one line per phase, in the order they end, the bytes where a phase reads or writes them (a phase quicker than the
    // line's threshold has no line: the archive write of this small image may be one, so it is looked for in the table)
    assertThat(r.err()).containsPattern("(?ms)" + String.join(".*", List.of("^" + LINE.formatted("python analysis") + "$",
        "^" + LINE.formatted("bytecode compile") + "$", "^" + LINE.formatted("layer write") + ", \\d+\\.\\d MB$")));
    // the table comes last: a header, a row per phase (repeated ones summed), the whole wall time
    int header = err.indexOf(String.format("%-20s %9s %10s", "phase", "wall s", "MB"));
    assertThat(header).as(r.err()).isPositive();
    List<String> table = err.subList(header + 1, err.size());
    assertThat(table).hasSizeGreaterThan(5);
    assertThat(table.subList(0, table.size() - 1)).allMatch(row -> row.matches(ROW.formatted("[a-z]+( [a-z]+)*")), "rows of phases");
    assertThat(table.stream().filter(row -> row.startsWith("elf analysis "))).hasSize(1);
    assertThat(table).anyMatch(row -> row.matches(ROW.formatted("layer write")) && !row.endsWith("-"));
    assertThat(table).anyMatch(row -> row.matches(ROW.formatted("archive write")) && !row.endsWith("-"));
    assertThat(table.get(table.size() - 1)).matches("total +\\d+\\.\\d\\d");
    assertThat(r.out()).doesNotContain("phase");
  }

  @Test
  void quietLeavesOutTheLinesButNotTheTableAndCopyHasItsOwnPhases() {
    Path archive = tmp.resolve("hello.tar");
    Run built = Cli.run("build", "docker-archive:" + archive + ":hello:v1", "--app", APP.toString(), "--quiet", "--", "/usr/bin/python3",
        "server.py");
    assertThat(built.exit()).as(built.err()).isZero();
    assertThat(built.err()).doesNotContain("phase");

    Run copied = Cli.run("copy", "docker-archive:" + archive, "oci-archive:" + tmp.resolve("hello-oci.tar"), "--quiet", "--timings");
    assertThat(copied.exit()).as(copied.err()).isZero();
    List<String> err = copied.err().lines().toList();
    assertThat(err).noneMatch(l -> l.startsWith("phase: "));
    assertThat(err.get(0)).isEqualTo(String.format("%-20s %9s %10s", "phase", "wall s", "MB"));
    assertThat(err.subList(1, err.size())).hasSize(2);
    assertThat(err.get(1)).matches(ROW.formatted("archive write")).doesNotEndWith("-");
    assertThat(err.get(2)).matches("total +\\d+\\.\\d\\d");
  }

  /**
   * As root, minify reads a containers-storage: image where podman mounts it (nothing unpacked, nothing saved: the config
   * comes from podman's store), and unmounts it after.
   */
  @Test
  void minifyAsRootReadsTheImageWherePodmanMountsItAndUnmountsIt() {
    String fat = Fixtures.image("yaml-sqlite");
    assumeTrue(System.getProperty("user.name").equals("root") || System.getenv("CI") != null, "podman mounts images for root only");
    String id = Podman.run("image", "inspect", "--format", "{{.ID}}", fat).stdout().strip();
    Run r = Cli.run("minify", "containers-storage:" + fat, "oci:" + tmp.resolve("oci") + ":small", "--no-probe", "--no-verify", "--timings");
    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.err()).containsPattern("(?m)^store read +\\d+\\.\\d\\d +-$").containsPattern("(?m)^engine mount +\\d+\\.\\d\\d +-$")
        .doesNotContainPattern("(?m)^(phase: )?(unpack|engine save) ");
    // podman lists the images mounted now: not this one (other tests may have mounted others)
    assertThat(id).hasSize(64);
    assertThat(Podman.run("image", "mount", "--format", "json").stdout()).doesNotContainPattern("\"id\":\\s*\"" + id + "\"");
  }
}

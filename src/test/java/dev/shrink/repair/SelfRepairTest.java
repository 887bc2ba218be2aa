package dev.shrink.repair;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shrink.testing.Cli;
import dev.shrink.testing.Fixtures;
import dev.shrink.testing.NeedsEngine;
import dev.shrink.testing.Podman;
import org.junit.jupiter.api.Test;

/**
 * minify with no flags verifies its output with the start-up probe and repairs it; a needed
 * package removed by the user's --exclude is the difference it must find, on a command fixture
 * and a server fixture.
 */
@NeedsEngine
class SelfRepairTest {
  /** Checks the two runs of one fixture: repaired with no flags (exit 0), and with repair off (exit 1, DEST written, the file named). */
  private static void repairsWhatAnExcludeRemoved(String fixture, String glob, String needed, String checked) throws Exception {
    String fat = "containers-storage:" + Fixtures.image(fixture);
    String repaired = "localhost/shrink-test/" + fixture + ":self-repaired";
    Cli.Run r = Cli.run("minify", fat, "containers-storage:" + repaired, "--exclude", glob);
    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.out()).contains("repair: round 1 added", needed, "removed by --exclude '" + glob + "'");
    String[] lines = r.out().strip().split("\n");
    assertThat(lines[lines.length - 1]).startsWith("verify: passed: containers-storage:" + repaired + " answers " + checked + " like " + fat
        + " after 1 repair round");
    assertThat(r.err()).contains("warning: kept " + needed + " although an --exclude matches it");

    String broken = "localhost/shrink-test/" + fixture + ":unrepaired";
    Podman.run("rmi", "--force", broken);
    Cli.Run off = Cli.run("minify", fat, "containers-storage:" + broken, "--exclude", glob, "--repair-rounds", "0");
    assertThat(off.exit()).as(off.err()).isEqualTo(1);
    assertThat(off.out()).contains("verify:   missing " + needed, "removed by --exclude '" + glob + "'", "repair is off",
        "verify: try to narrow or drop --exclude '" + glob + "'");
    String[] offLines = off.out().strip().split("\n");
    assertThat(offLines[offLines.length - 1]).startsWith("verify: FAILED: containers-storage:" + broken + " does not behave like " + fat
        + " under " + checked);
    assertThat(Podman.run("image", "exists", broken).exitCode()).as("DEST is written so that the user can look at it").isZero();
  }

  @Test
  void aCommandImageMissingAnExcludedPackageIsRepairedInOneRound() throws Exception {
    repairsWhatAnExcludeRemoved("yaml-sqlite", "/usr/lib/python3/dist-packages/yaml/**", "/usr/lib/python3/dist-packages/yaml/__init__.py",
        "start-up (default command)");
  }

  @Test
  void aServerImageMissingAnExcludedPackageIsRepairedInOneRound() throws Exception {
    repairsWhatAnExcludeRemoved("falcon", "/usr/lib/python3/dist-packages/falcon/**", "/usr/lib/python3/dist-packages/falcon/__init__.py",
        "start-up GET /");
  }

  @Test
  void terminalEscapesAreTakenOutOfWhatIsShown() {
    assertThat(Repair.strip("\u001B[31mModuleNotFoundError\u001B[0m: No module named '\u001B[1myaml\u001B[22m'"))
        .isEqualTo("ModuleNotFoundError: No module named 'yaml'");
  }
}

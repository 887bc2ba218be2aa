package dev.shrink.cli;

import dev.shrink.json.Json;
import static org.assertj.core.api.Assertions.assertThat;

import dev.shrink.testing.Cli;
import dev.shrink.testing.Cli.Run;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Exit codes and messages of the command line: 0 done, 1 failed, 2 bad usage. */
class CliTest {
  @TempDir Path tmp;

  static Run run(String... args) {
    return Cli.run(args);
  }

  @Test
  void versionPrintsTheProjectVersion() {
    Run r = run("--version");
    assertThat(r.exit()).isZero();
    assertThat(r.out()).matches("shrink \\d+\\.\\d+\\.\\d+.*\\s*");
  }

  @ParameterizedTest
  @ValueSource(strings = {"copy", "inspect", "unpack", "minify", "build", "verify", "why"})
  void everyCommandHasHelp(String command) {
    Run r = run(command, "--help");
    assertThat(r.exit()).isZero();
    assertThat(r.out()).contains("Usage: shrink " + command);
    assertThat(r.err()).as("picocli's warnings, e.g. an unescaped %% in a description").isEmpty();
  }

  @Test
  void unknownTransportIsBadUsageNamingTheInput() {
    Run r = run("copy", "nosuch:thing", "oci:" + tmp.resolve("out"));
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("'nosuch:thing'").contains("docker-archive:").contains("--help");
    assertThat(tmp.resolve("out")).doesNotExist();
  }

  @Test
  void missingArgumentIsBadUsage() {
    assertThat(run("copy", "oci:x").exit()).isEqualTo(2);
    assertThat(run().exit()).isEqualTo(2);
    assertThat(run("copy", "--format", "v1", "oci:a", "oci:b").exit()).isEqualTo(2);
  }

  @Test
  void optimisedBytecodeIsLevelOneOrTwoAndNeedsNoSources() {
    Path dest = tmp.resolve("dest.tar");
    for (String[] args : new String[][] {{"-O3"}, {"--optimize", "2", "--keep-sources"}}) {
      List<String> argv = new java.util.ArrayList<>(List.of("minify", "docker-archive:" + tmp.resolve("missing.tar"), "docker-archive:" + dest));
      argv.addAll(List.of(args));
      Run r = run(argv.toArray(String[]::new));
      assertThat(r.exit()).as("%s", argv).isEqualTo(2);
      assertThat(r.err()).contains(args[0].startsWith("-O3") ? "-O3: the optimisation level is 0, 1 or 2" : "-O2 makes sourceless bytecode");
    }
    assertThat(run("build", "docker-archive:" + dest, "-O2", "--keep-sources", "--", "app.py").exit()).isEqualTo(2);
    assertThat(dest).doesNotExist();
  }

  @Test
  void badProbeOptionsAreUsageErrorsFoundBeforeAnyWork() {
    // the source does not exist: reading it would be exit 1, so a 2 says the options were checked first
    String src = "docker-archive:" + tmp.resolve("missing.tar");
    String dest = "docker-archive:" + tmp.resolve("dest.tar");
    List<List<String>> bad = List.of(
        List.of("minify", src, dest, "--probe-http", "8000"),
        List.of("verify", src, src, "--probe-http", "8000"),
        List.of("build", dest, "--probe-http", "8000", "--", "app.py"),
        List.of("minify", src, dest, "--probe-script", "8000:" + tmp.resolve("absent.sh")),
        List.of("verify", src, src, "--probe-timeout", "0"),
        List.of("minify", src, dest, "--ignore-regex", "("),
        List.of("minify", src, dest, "--no-probe", "--probe-cmd", "--version"),
        List.of("minify", src, dest, "--no-probe", "--verify"));
    for (List<String> argv : bad) {
      Run r = run(argv.toArray(String[]::new));
      assertThat(r.exit()).as("%s\n%s", argv, r.err()).isEqualTo(2);
      assertThat(r.err()).contains("Try 'shrink " + argv.get(0) + " --help'").doesNotContain("missing.tar");
    }
    assertThat(run("minify", src, dest, "--probe-http", "8000").err()).contains("--probe-http must be PORT:PATH, e.g. 8000:/number; got 8000");
    assertThat(tmp.resolve("dest.tar")).doesNotExist();
  }

  @Test
  void whyNamesAFileThatIsNoReportAndRefusesWhatIsNeitherReportNorImage() throws Exception {
    Path bad = Files.writeString(tmp.resolve("bad.json"), "{\"files\": 3}");
    Run r = run("why", bad.toString(), "/usr/bin/python3");
    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.err()).startsWith("shrink: error: " + bad + ": not a shrink report").doesNotContain("Exception");
    Run neither = run("why", tmp.resolve("missing.json").toString(), "/usr/bin/python3");
    assertThat(neither.exit()).isEqualTo(2);
    assertThat(neither.err()).contains("is neither a report (an existing .json file) nor an image");
  }

  @Test
  void anUnknownCommandIsAUsageErrorEvenWithHelp() {
    for (String[] argv : new String[][] {{"explain", "--help"}, {"explain"}, {"help", "explain"}}) {
      Run r = run(argv);
      assertThat(r.exit()).as(String.join(" ", argv)).isEqualTo(2);
      assertThat(r.out()).as("no help printed as if all was well").isEmpty();
    }
    assertThat(run("explain", "--help").err()).contains("unknown command 'explain'; the commands are copy, inspect, diff, unpack, minify, build, verify, why");
  }

  /** Main adds to picocli only the command that runs: help of all kinds must read as with all of them. */
  @Test
  void theHelpOfACommandIsTheSameWhicheverWayItIsAsked() {
    Run help = run("help", "minify");
    assertThat(help.exit()).isZero();
    assertThat(help.out()).isEqualTo(run("minify", "--help").out()).contains("Usage: shrink minify");
    Run all = run("--help");
    assertThat(all.exit()).isZero();
    assertThat(all.out()).contains("copy", "inspect", "diff", "unpack", "minify", "build", "verify", "why", "report", "help");
  }

  @Test
  void helpListsOnlyTheOptionsACommandUses() {
    assertThat(run("build", "--help").out()).doesNotContain("--src-creds", "--platform", "--probe-script").contains("--dest-creds", "--format");
    assertThat(run("inspect", "--help").out()).doesNotContain("--dest-creds", "--format").contains("--src-creds", "--platform");
    assertThat(run("unpack", "--help").out()).doesNotContain("--dest-creds", "--format");
    assertThat(run("verify", "--help").out()).doesNotContain("--dest-creds", "--format").contains("--probe-script");
    assertThat(run("copy", "--help").out()).contains("--src-creds", "--dest-creds", "--format", "--json", "--digestfile");
    assertThat(run("inspect", "docker-archive:x.tar", "--format", "oci").exit()).isEqualTo(2);
  }

  @Test
  void buildRefusesAProbeScript() {
    Path dest = tmp.resolve("dest.tar");
    Run r = run("build", "docker-archive:" + dest, "--probe-script", "8000:test.sh", "--", "app.py");
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("Unknown option: '--probe-script'");
    assertThat(dest).doesNotExist();
  }

  @Test
  void missingSourceFailsWithItsNameAndWritesNothing() {
    Path dest = tmp.resolve("dest.tar");
    Run r = run("copy", "docker-archive:" + tmp.resolve("missing.tar"), "docker-archive:" + dest);
    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.err()).contains("docker-archive:" + tmp.resolve("missing.tar")).contains("no such file");
    assertThat(dest).doesNotExist();
  }

  @Test
  void aBrokenArchiveFailsAndLeavesNoHalfWrittenOutput() throws Exception {
    Path bad = Files.writeString(tmp.resolve("bad.tar"), "this is not a tar archive at all");
    Run r = run("copy", "docker-archive:" + bad, "oci-archive:" + tmp.resolve("out.tar"));
    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.err()).contains(bad.toString());
    try (var files = Files.list(tmp)) {
      assertThat(files.map(p -> p.getFileName().toString()).toList()).containsExactly("bad.tar");
    }
  }

  @Test
  void aTmpdirThatDoesNotExistIsAUsageErrorAndNoDirectoryIsMade() throws Exception {
    Path none = tmp.resolve("none/x");
    Files.writeString(tmp.resolve("app.py"), "print(1)\n");
    Run r = run("build", "docker-archive:" + tmp.resolve("out.tar"), "--app", tmp.toString(), "--tmpdir", none.toString(), "--", "app.py");
    assertThat(r.exit()).as(r.err()).isEqualTo(2);
    assertThat(r.err()).contains("--tmpdir " + none + ": no such directory");
    assertThat(tmp.resolve("none")).doesNotExist();
    assertThat(run("copy", "docker-archive:" + tmp.resolve("a.tar"), "oci:" + tmp.resolve("o"), "--tmpdir", none.toString()).exit()).isEqualTo(2);
    assertThat(tmp.resolve("none")).doesNotExist();
  }

  @Test
  void anErrorWritingTheDestinationNamesItAndTheCause() throws Exception {
    Files.writeString(tmp.resolve("app.py"), "print(1)\n");
    Run r = run("build", "oci:/proc/shrink-test", "--app", tmp.toString(), "--python", "/usr/bin/python3", "--", "app.py");
    assertThat(r.exit()).as(r.err()).isEqualTo(1);
    assertThat(r.err()).containsPattern("shrink: error: cannot write oci:/proc/shrink-test: /proc/shrink-test: \\w+");
  }

  @Test
  void jsonQuietAndDigestfileTellTheManifestDigestWrittenAndLibraryImportsAreOneLine() throws Exception {
    Path app = Path.of(System.getProperty("shrink.project.dir", ""), "examples/hello-api").toAbsolutePath();
    Path layout = tmp.resolve("oci");
    Path digestFile = tmp.resolve("digest");
    Run r = run("build", "oci:" + layout + ":v1", "--app", app.toString(), "--json", "--quiet", "--digestfile", digestFile.toString(),
        "--", "/usr/bin/gunicorn", "server:app");
    assertThat(r.exit()).as(r.err()).isZero();
    tools.jackson.databind.JsonNode summary = dev.shrink.json.Json.MAPPER.readTree(r.out());
    String written = dev.shrink.json.Json.MAPPER.readTree(layout.resolve("index.json").toFile()).path("manifests").get(0).path("digest").asString();
    assertThat(written).startsWith("sha256:");
    assertThat(summary.path("digest").asString()).isEqualTo(written);
    assertThat(Files.readString(digestFile)).isEqualTo(written);
    assertThat(summary.path("destination").asString()).isEqualTo("oci:" + layout + ":v1");
    assertThat(summary.path("layers").size()).isGreaterThan(1);
    assertThat(summary.path("after").path("compressedSize").asLong()).isPositive();
    // Debian's gunicorn and pyparsing import paste.deploy, jinja2 and railroad where they are optional: one line, no progress;
    // with --json the verdict line goes to stderr too, so that stdout is the JSON object alone
    assertThat(r.err()).containsPattern("(?m)\\Awarning: \\d+ imports in library code name modules that are not there \\(paste\\.deploy, [^\\n]*"
        + "the list is in the report's problems \\(--report\\)\\nverify: not checked: no probe given[^\\n]*\\n\\z");
    assertThat(r.out()).doesNotContain("verify:");
    assertThat(summary.path("problems").toString()).contains("python: no module paste.deploy for from paste.deploy import loadapp");
  }

  @Test
  void theAppsOwnMissingImportIsAnErrorLineAndOtherProblemsWarnings() {
    java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
    PrintStream err = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    Results.problems(List.of(dev.shrink.python.PythonAnalysis.APP_IMPORT_MISSING + "flask for import flask (/app/app.py:1)",
        dev.shrink.python.PythonAnalysis.NO_MODULE + "__pypy__ for import __pypy__ (/usr/lib/x.py:3)",
        dev.shrink.python.PythonAnalysis.NO_MODULE + "PyQt5 for import PyQt5 (/usr/lib/y.py:9)", "elf: a needs b, not found"), err);
    assertThat(bytes.toString(StandardCharsets.UTF_8).lines().toList()).containsExactly(
        "error: python: the app's own code imports a module that cannot be found: flask for import flask (/app/app.py:1)",
        "warning: elf: a needs b, not found",
        "warning: 2 imports in library code name modules that are not there (__pypy__, PyQt5); such imports are mostly optional or in code "
            + "the app does not reach: the list is in the report's problems (--report)");
  }

  @Test
  void writingIntoADirectoryThatIsNotALayoutIsRefused() throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("notlayout"));
    Files.writeString(dir.resolve("precious.txt"), "mine");
    Path src = tmp.resolve("src.tar");
    Files.writeString(src, "x");
    Run r = run("copy", "oci:" + dir, "oci:" + dir + ":x");
    assertThat(r.exit()).isEqualTo(1);
    assertThat(Files.readString(dir.resolve("precious.txt"))).isEqualTo("mine");
  }

  @Test
  void zstdWithADockerManifestAndBadLevelsAreBadUsageWritingNothing() {
    String src = "docker-archive:" + tmp.resolve("missing.tar");
    String dest = "docker-archive:" + tmp.resolve("out.tar");
    Run docker = run("minify", src, dest, "--compression", "zstd", "--format", "docker");
    assertThat(docker.exit()).isEqualTo(2);
    assertThat(docker.err()).contains("--compression zstd needs an OCI manifest").contains("Docker v2 schema 2 has no zstd layer type");
    Run level = run("minify", src, dest, "--compression", "zstd", "--compression-level", "30");
    assertThat(level.exit()).isEqualTo(2);
    assertThat(level.err()).contains("--compression-level 30: compression level 30: zstd takes 1 to 22");
    assertThat(run("minify", src, dest, "--compression-level", "13").err()).contains("gzip takes 0 to 12");
    Run unknown = run("build", dest, "--compression", "lz4", "--", "app.py");
    assertThat(unknown.exit()).isEqualTo(2);
    assertThat(unknown.err()).contains("'lz4' is not gzip or zstd");
    assertThat(tmp.resolve("out.tar")).doesNotExist();
  }

  /** The image's arguments are not shrink's options: --probe-cmd takes them as they are written, with or without '='. */
  @Test
  void probeCmdTakesArgumentsThatLookLikeOptions() {
    VerifyCommand verify = new VerifyCommand();
    new picocli.CommandLine(verify).parseArgs("oci:a", "oci:b", "--probe-cmd", "--version", "--probe-cmd=--help -v",
        "--probe-cmd", "", "--probe-http", "8000:/");
    assertThat(verify.probe.cmd).containsExactly("--version", "--help -v", "");
    assertThat(verify.probe.probes()).extracting(dev.shrink.probe.Probe::label)
        .containsExactly("GET /", "cmd --version", "cmd --help -v", "cmd (default command)");
    // parsed, then refused for the missing source (1), not as bad usage (2)
    String src = "docker-archive:" + tmp.resolve("missing.tar");
    for (String[] probe : new String[][] {{"--probe-cmd", "--version"}, {"--probe-cmd=--version"}}) {
      List<String> argv = new java.util.ArrayList<>(List.of("minify", src, "docker-archive:" + tmp.resolve("out.tar")));
      argv.addAll(List.of(probe));
      Run r = run(argv.toArray(String[]::new));
      assertThat(r.exit()).as("%s: %s", argv, r.err()).isEqualTo(1);
      assertThat(r.err()).contains("missing.tar");
    }
    Run last = run("verify", src, src, "--probe-cmd");
    assertThat(last.exit()).isEqualTo(2);
    assertThat(last.err()).contains("Missing required parameter for option '--probe-cmd' (ARGS)");
  }

  @Test
  void aBadSbomIsAUsageErrorBeforeAnyWork() {
    Path out = tmp.resolve("sbom.json");
    for (String value : List.of("xml=" + out, "cyclonedx-json", "spdx-json=", "=" + out)) {
      for (List<String> argv : List.of(List.of("minify", "oci:" + tmp.resolve("missing"), "oci:" + tmp.resolve("dest"), "--sbom", value),
          List.of("build", "docker-archive:" + tmp.resolve("d.tar"), "--sbom", value, "--", "app.py"))) {
        Run r = run(argv.toArray(String[]::new));
        assertThat(r.exit()).as("%s\n%s", argv, r.err()).isEqualTo(2);
        assertThat(r.err()).contains("--sbom " + value);
      }
    }
    assertThat(out).doesNotExist();
    assertThat(run("minify", "--help").out()).contains("--sbom=FORMAT=FILE");
  }
}

package dev.shrink.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
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

  record Run(int code, String out, String err) {}

  static synchronized Run run(String... args) {
    PrintStream oldOut = System.out;
    PrintStream oldErr = System.err;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    try {
      System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
      System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
      int code = Main.run(args);
      return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    } finally {
      System.setOut(oldOut);
      System.setErr(oldErr);
    }
  }

  @Test
  void versionPrintsTheProjectVersion() {
    Run r = run("--version");
    assertThat(r.code()).isZero();
    assertThat(r.out()).matches("shrink \\d+\\.\\d+\\.\\d+.*\\s*");
  }

  @ParameterizedTest
  @ValueSource(strings = {"copy", "inspect", "unpack", "minify", "build", "verify"})
  void everyCommandHasHelp(String command) {
    Run r = run(command, "--help");
    assertThat(r.code()).isZero();
    assertThat(r.out()).contains("Usage: shrink " + command);
    assertThat(r.err()).as("picocli's warnings, e.g. an unescaped %% in a description").isEmpty();
  }

  @Test
  void unknownTransportIsBadUsageNamingTheInput() {
    Run r = run("copy", "nosuch:thing", "oci:" + tmp.resolve("out"));
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("'nosuch:thing'").contains("docker-archive:").contains("--help");
    assertThat(tmp.resolve("out")).doesNotExist();
  }

  @Test
  void missingArgumentIsBadUsage() {
    assertThat(run("copy", "oci:x").code()).isEqualTo(2);
    assertThat(run().code()).isEqualTo(2);
    assertThat(run("copy", "--format", "v1", "oci:a", "oci:b").code()).isEqualTo(2);
  }

  @Test
  void optimisedBytecodeIsLevelOneOrTwoAndNeedsNoSources() {
    Path dest = tmp.resolve("dest.tar");
    for (String[] args : new String[][] {{"-O3"}, {"--optimize", "2", "--keep-sources"}}) {
      List<String> argv = new java.util.ArrayList<>(List.of("minify", "docker-archive:" + tmp.resolve("missing.tar"), "docker-archive:" + dest));
      argv.addAll(List.of(args));
      Run r = run(argv.toArray(String[]::new));
      assertThat(r.code()).as("%s", argv).isEqualTo(2);
      assertThat(r.err()).contains(args[0].startsWith("-O3") ? "-O3: the optimisation level is 0, 1 or 2" : "-O2 makes sourceless bytecode");
    }
    assertThat(run("build", "docker-archive:" + dest, "-O2", "--keep-sources", "--", "app.py").code()).isEqualTo(2);
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
      assertThat(r.code()).as("%s\n%s", argv, r.err()).isEqualTo(2);
      assertThat(r.err()).contains("Try 'shrink " + argv.get(0) + " --help'").doesNotContain("missing.tar");
    }
    assertThat(run("minify", src, dest, "--probe-http", "8000").err()).contains("--probe-http must be PORT:PATH, e.g. 8000:/number; got 8000");
    assertThat(tmp.resolve("dest.tar")).doesNotExist();
  }

  @Test
  void anUnknownCommandIsAUsageErrorEvenWithHelp() {
    for (String[] argv : new String[][] {{"why", "--help"}, {"why"}, {"help", "why"}}) {
      Run r = run(argv);
      assertThat(r.code()).as(String.join(" ", argv)).isEqualTo(2);
      assertThat(r.out()).as("no help printed as if all was well").isEmpty();
    }
    assertThat(run("why", "--help").err()).contains("unknown command 'why'; the commands are copy, inspect, unpack, minify, build, verify");
  }

  @Test
  void buildRefusesAProbeScript() {
    Path dest = tmp.resolve("dest.tar");
    Run r = run("build", "docker-archive:" + dest, "--probe-script", "8000:test.sh", "--", "app.py");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("--probe-script is for minify and verify");
    assertThat(dest).doesNotExist();
  }

  @Test
  void missingSourceFailsWithItsNameAndWritesNothing() {
    Path dest = tmp.resolve("dest.tar");
    Run r = run("copy", "docker-archive:" + tmp.resolve("missing.tar"), "docker-archive:" + dest);
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.err()).contains("docker-archive:" + tmp.resolve("missing.tar")).contains("no such file");
    assertThat(dest).doesNotExist();
  }

  @Test
  void aBrokenArchiveFailsAndLeavesNoHalfWrittenOutput() throws Exception {
    Path bad = Files.writeString(tmp.resolve("bad.tar"), "this is not a tar archive at all");
    Run r = run("copy", "docker-archive:" + bad, "oci-archive:" + tmp.resolve("out.tar"));
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.err()).contains(bad.toString());
    try (var files = Files.list(tmp)) {
      assertThat(files.map(p -> p.getFileName().toString()).toList()).containsExactly("bad.tar");
    }
  }

  @Test
  void writingIntoADirectoryThatIsNotALayoutIsRefused() throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("notlayout"));
    Files.writeString(dir.resolve("precious.txt"), "mine");
    Path src = tmp.resolve("src.tar");
    Files.writeString(src, "x");
    Run r = run("copy", "oci:" + dir, "oci:" + dir + ":x");
    assertThat(r.code()).isEqualTo(1);
    assertThat(Files.readString(dir.resolve("precious.txt"))).isEqualTo("mine");
  }

  @Test
  void zstdWithADockerManifestAndBadLevelsAreBadUsageWritingNothing() {
    String src = "docker-archive:" + tmp.resolve("missing.tar");
    String dest = "docker-archive:" + tmp.resolve("out.tar");
    Run docker = run("minify", src, dest, "--compression", "zstd", "--format", "docker");
    assertThat(docker.code()).isEqualTo(2);
    assertThat(docker.err()).contains("--compression zstd needs an OCI manifest").contains("Docker v2 schema 2 has no zstd layer type");
    Run level = run("minify", src, dest, "--compression", "zstd", "--compression-level", "30");
    assertThat(level.code()).isEqualTo(2);
    assertThat(level.err()).contains("--compression-level 30: compression level 30: zstd takes 1 to 22");
    assertThat(run("minify", src, dest, "--compression-level", "13").err()).contains("gzip takes 0 to 12");
    Run unknown = run("build", dest, "--compression", "lz4", "--", "app.py");
    assertThat(unknown.code()).isEqualTo(2);
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
      assertThat(r.code()).as("%s: %s", argv, r.err()).isEqualTo(1);
      assertThat(r.err()).contains("missing.tar");
    }
    Run last = run("verify", src, src, "--probe-cmd");
    assertThat(last.code()).isEqualTo(2);
    assertThat(last.err()).contains("Missing required parameter for option '--probe-cmd' (ARGS)");
  }
}

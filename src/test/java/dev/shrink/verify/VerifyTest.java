package dev.shrink.verify;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shrink.cli.Main;
import dev.shrink.json.Json;
import dev.shrink.probe.Outcome;
import dev.shrink.probe.Probe;
import dev.shrink.testing.Fixtures;
import dev.shrink.testing.NeedsEngine;
import dev.shrink.testing.Podman;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

class VerifyTest {
  static String[] shrink(String... args) {
    PrintStream old = System.out;
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    System.setOut(new PrintStream(buffer, true, StandardCharsets.UTF_8));
    try {
      return new String[] {String.valueOf(Main.run(args)), buffer.toString(StandardCharsets.UTF_8)};
    } finally {
      System.setOut(old);
      System.out.print(buffer.toString(StandardCharsets.UTF_8));
    }
  }

  @Test
  @NeedsEngine
  void verifyNamesTheFileAnExcludeTookAwayAndSelfRepairPutsItBack() throws Exception {
    String fat = Fixtures.image("dynamic");
    String broken = "localhost/shrink-test/dynamic:broken";
    String[] minify = shrink("minify", "containers-storage:" + fat, "containers-storage:" + broken, "--probe-cmd", "",
        "--exclude", "/usr/share/common-licenses/Apache-2.0", "--verify", "--repair-rounds", "0");
    assertThat(minify[0]).isEqualTo("1");
    assertThat(minify[1]).contains("missing in the shrunk image: /usr/share/common-licenses/Apache-2.0").contains("verify: repair stopped: repair is off");
    String[] verify = shrink("verify", "containers-storage:" + fat, "containers-storage:" + broken, "--probe-cmd", "");
    assertThat(verify[0]).isEqualTo("1");
    assertThat(verify[1]).contains("/usr/share/common-licenses/Apache-2.0").contains("exit code differs");

    // the same build, repaired: the shrunk image's trace looked for the licence, which the original has
    String repaired = "localhost/shrink-test/dynamic:repaired";
    Path report = Files.createTempFile("repair-", ".json");
    try {
      String[] fixed = shrink("minify", "containers-storage:" + fat, "containers-storage:" + repaired, "--probe-cmd", "",
          "--exclude", "/usr/share/common-licenses/Apache-2.0", "--verify", "--report", report.toString());
      assertThat(fixed[0]).as(fixed[1]).isEqualTo("0");
      assertThat(fixed[1]).contains("repair: round 1 added").contains("repair:   /usr/share/common-licenses/Apache-2.0  (probe cmd (default command): ")
          .contains("verify: the shrunk image answers like the original");
      JsonNode json = Json.MAPPER.readTree(Files.readAllBytes(report));
      assertThat(json.path("files").values()).anySatisfy(f -> {
        assertThat(f.path("path").asString()).isEqualTo("/usr/share/common-licenses/Apache-2.0");
        assertThat(f.path("reasons").valueStream().map(r -> r.path("analyser").asString()).toList()).contains("repair");
      });
      assertThat(json.path("repair").get(0).path("verified").asBoolean()).isFalse();
      assertThat(json.path("repair").get(1).path("verified").asBoolean()).isTrue();
      assertThat(json.path("repair").get(1).path("added").valueStream().map(a -> a.path("path").asString()).toList())
          .contains("/usr/share/common-licenses/Apache-2.0");
    } finally {
      Files.delete(report);
    }
    Podman.Result run = Podman.run("run", "--rm", "--read-only", repaired);
    assertThat(run.exitCode()).as("%s", run).isZero();
    assertThat(run.stdout()).isEqualTo(Fixtures.expected("dynamic", "default"));
  }

  @Test
  @NeedsEngine
  void aProbeScriptGetsTheContainersUrlAndItsExitCodeIsTheVerdict(@org.junit.jupiter.api.io.TempDir Path tmp) throws Exception {
    Path script = tmp.resolve("api-test");
    Files.writeString(script, """
        #!/usr/bin/python3
        import os, sys, urllib.request
        assert sys.argv[1] == os.environ["SHRINK_URL"], sys.argv
        body = urllib.request.urlopen(sys.argv[1] + "/number").read().decode()
        print("answer:", body)
        sys.exit(0 if '"number"' in body else 3)
        """);
    Files.setPosixFilePermissions(script, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
    String fat = "containers-storage:" + Fixtures.image("falcon");
    String[] same = shrink("verify", fat, fat, "--probe-script", "8000:" + script);
    assertThat(same[0]).as(same[1]).isEqualTo("0");
    assertThat(same[1]).contains("probe script " + script + ": exit code 0");

    // 0 on the original and non-zero on the shrunk image is a difference, with the script's output
    Probe p = new Probe.Script(8000, script.toString());
    Verifier.Report r = Verifier.compare(List.of(new Outcome(p, 0, "ok\n", "", null)), List.of(new Outcome(p, 3, "answer: 500\n", "", null)), List.of());
    assertThat(r.differences()).extracting(Verifier.Difference::what).containsExactly("exit code", "script output");
    assertThat(shrink("verify", fat, fat, "--probe-script", "8000:" + tmp.resolve("absent"))[0]).as("a bad option value").isEqualTo("2");
  }

  /** Both images failing the same way is no pass: the original must pass its probes before anything is compared. */
  @Test
  @NeedsEngine
  void anOriginalThatDoesNotPassItsProbeIsAFailureNotAPass(@org.junit.jupiter.api.io.TempDir Path tmp) throws Exception {
    String fat = "containers-storage:" + Fixtures.image("falcon");
    String[] nobody = shrink("verify", fat, fat, "--probe-http", "9999:/number", "--probe-timeout", "5");
    assertThat(nobody[0]).as(nobody[1]).isEqualTo("1");
    assertThat(nobody[1]).contains("verify: the original did not pass its probe GET /number (no answer to GET /number on container port 9999 within 5 s")
        .contains("the probe is wrong, not the image").doesNotContain("answers like the original");

    Path script = tmp.resolve("fails");
    Files.writeString(script, "#!/bin/sh\nexit 22\n");
    Files.setPosixFilePermissions(script, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
    String[] failing = shrink("verify", fat, fat, "--probe-script", "8000:" + script);
    assertThat(failing[0]).as(failing[1]).isEqualTo("1");
    assertThat(failing[1]).contains("the original did not pass its probe script " + script + " (exit code 22").doesNotContain("answers like the original");
  }

  /** What passing a probe is: an answer below 500 (any for the start-up probe), a script's exit 0, a command the engine could start. */
  @Test
  void passingAProbe() {
    Probe http = new Probe.Http(8000, "/number");
    assertThat(new Outcome(http, 500, "", "", null).failure()).contains("answered status 500");
    assertThat(new Outcome(http, 404, "", "", null).failure()).isEmpty();
    assertThat(new Outcome(new Probe.Cmd(List.of()), 127, "", "", null).failure()).isPresent();
    assertThat(new Outcome(new Probe.Cmd(List.of()), 3, "", "", null).failure()).as("its behaviour, compared as it is").isEmpty();
    assertThat(new Outcome(new Probe.Startup(List.of(8000)), 500, "", "", null).failure()).as("the start-up probe takes any answer").isEmpty();
    assertThat(new Outcome(new Probe.Startup(List.of(8000)), -1, "", "", "no answer").failure()).contains("no answer");
    Verifier.Report same = Verifier.compare(List.of(new Outcome(http, -1, "", "", "no answer")), List.of(new Outcome(http, -1, "", "", "no answer")),
        List.of());
    assertThat(same.ok()).isFalse();
    assertThat(same.originalFailures()).containsExactly("GET /number (no answer)");
  }

  /** With no probe, a server is asked GET / (the start-up probe) at once, and one that does not answer fails. */
  @Test
  @NeedsEngine
  void withNoProbeAServerIsAskedGetSlashAndMustAnswer() {
    String fat = "containers-storage:" + Fixtures.image("falcon");
    long started = System.nanoTime();
    String[] same = shrink("verify", fat, fat);
    long seconds = (System.nanoTime() - started) / 1_000_000_000L;
    assertThat(same[0]).as(same[1]).isEqualTo("0");
    assertThat(same[1]).contains("probe start-up GET /: status 404", "verify: the shrunk image answers like the original");
    assertThat(seconds).as("no waiting for a server to end").isLessThan(60);

    // the pygmentize image prints and ends: it never answers on port 8000
    String[] silent = shrink("verify", fat, "containers-storage:" + Fixtures.image("pygmentize"));
    assertThat(silent[0]).as(silent[1]).isEqualTo("1");
    assertThat(silent[1]).contains("start-up GET /: run differs: original 'ran', shrunk 'the container stopped before answering GET / on container port 8000'");
  }

  @Test
  void ignoreRegexNormalisesBothSides() {
    Probe p = new Probe.Http(8000, "/number");
    Outcome a = new Outcome(p, 200, "{\"number\": 17}", "", null);
    Outcome b = new Outcome(p, 200, "{\"number\": 42}", "", null);
    assertThat(Verifier.compare(List.of(a), List.of(b), List.of()).ok()).isFalse();
    assertThat(Verifier.compare(List.of(a), List.of(b), List.of(Pattern.compile("\\d+"))).ok()).isTrue();
    Outcome broken = new Outcome(p, 200, "{\"number\": 42}", "ImportError: libfoo.so.1: cannot open shared object file", null);
    Verifier.Report r = Verifier.compare(List.of(a), List.of(broken), List.of(Pattern.compile("\\d+")));
    assertThat(r.ok()).isFalse();
    assertThat(r.missing()).containsExactly("libfoo.so.1");
  }

  @Test
  void aBodyThatDiffersOnlyInNumbersIsToldSoWithTheIgnoreRegexThatPassesIt() {
    Probe p = new Probe.Http(8000, "/number");
    Verifier.Report r = Verifier.compare(List.of(new Outcome(p, 200, "{\"number\": 83, \"at\": 1.25}", "", null)),
        List.of(new Outcome(p, 200, "{\"number\": 81, \"at\": 1.25}", "", null)), List.of());
    String said = r.differences().get(0).toString();
    assertThat(said).endsWith("they differ only in numbers, values that may change on every run (a counter, a random number, a time): "
        + "if so, compare without them with --ignore-regex '\"number\": \\d+'");
    String regex = said.substring(said.indexOf("--ignore-regex '") + 16, said.length() - 1);
    assertThat(Verifier.compare(r.original(), r.shrunk(), List.of(Pattern.compile(regex))).ok()).as(regex).isTrue();
    // other text differs too: no such hint
    Verifier.Report words = Verifier.compare(List.of(new Outcome(p, 200, "{\"number\": 83}", "", null)),
        List.of(new Outcome(p, 200, "{\"error\": 81}", "", null)), List.of());
    assertThat(words.differences().get(0).toString()).doesNotContain("--ignore-regex");
  }

  /** A server that fails at start (its container is gone before its port is published) is a difference, not a crash. */
  @Test
  @NeedsEngine
  void aServerThatExitsAtOnceIsADifference() throws Exception {
    String fat = Fixtures.image("falcon");
    String exits = Podman.testImage("falcon", "exits-at-once");
    Path context = Files.createTempDirectory("exits-");
    try {
      Files.writeString(context.resolve("Containerfile"), "FROM " + fat + "\nENTRYPOINT [\"python3\", \"-c\", \"raise SystemExit(3)\"]\n");
      Podman.run("build", "--quiet", "--pull=never", "-t", exits, context.toString()).orThrow();
    } finally {
      Files.walk(context).sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
    String[] verify = shrink("verify", "containers-storage:" + fat, "containers-storage:" + exits, "--probe-http", "8000:/number",
        "--ignore-regex", "\\d+");
    assertThat(verify[0]).isEqualTo("1");
    // "... on port 8000" when it was gone before its port was published, "... /number" when it went while asked
    assertThat(verify[1]).contains("probe GET /number: status -1 (the container stopped before answering ");
  }
}

package dev.shrink.verify;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shrink.cli.Main;
import dev.shrink.probe.Outcome;
import dev.shrink.probe.Probe;
import dev.shrink.testing.Fixtures;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

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
  void verifyNamesTheFileAnExcludeTookAway() {
    String fat = Fixtures.image("dynamic");
    String broken = "localhost/shrink-test/dynamic:broken";
    String[] minify = shrink("minify", "containers-storage:" + fat, "containers-storage:" + broken, "--probe-cmd", "",
        "--exclude", "/usr/share/common-licenses/Apache-2.0", "--verify");
    assertThat(minify[0]).isEqualTo("1");
    assertThat(minify[1]).contains("missing in the shrunk image: /usr/share/common-licenses/Apache-2.0");
    String[] verify = shrink("verify", "containers-storage:" + fat, "containers-storage:" + broken, "--probe-cmd", "");
    assertThat(verify[0]).isEqualTo("1");
    assertThat(verify[1]).contains("/usr/share/common-licenses/Apache-2.0").contains("exit code differs");
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
}

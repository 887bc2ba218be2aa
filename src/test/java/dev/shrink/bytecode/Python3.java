package dev.shrink.bytecode;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Debian's python3 (3.11, the fixtures' interpreter), which makes the real bytecode the tests read. */
final class Python3 {
  static final String PATH = "/usr/bin/python3";

  private Python3() {}

  /** Runs {@code python3 ARGS...}, fails the test on a non-zero exit, returns stdout and stderr together. */
  static String run(String... args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of(PATH));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor()).as("%s\n%s", cmd, out).isZero();
    return out;
  }
}

package dev.shrink.elf;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Runs the host tools the tests compare against (binutils readelf, pax-utils lddtree, gcc). */
final class Tools {
  private Tools() {}

  /** Runs a command and returns its standard output; fails the test on a non-zero exit. */
  static String run(List<String> command) throws IOException, InterruptedException {
    Process p;
    try {
      p = new ProcessBuilder(command).redirectErrorStream(true).start();
    } catch (IOException e) {
      throw new AssertionError(command.get(0) + " cannot be run (CI needs gcc, binutils, pax-utils)", e);
    }
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor()).as("exit code of %s\n%s", command, out).isZero();
    return out;
  }

  static boolean onPath(String tool) {
    for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
      if (Files.isExecutable(Path.of(dir, tool))) {
        return true;
      }
    }
    return false;
  }

  /** What readelf -d/-l prints for the fields ElfFile reads. */
  record ReadElf(List<String> needed, Optional<String> soname, Optional<String> rpath,
      Optional<String> runpath, Optional<String> interpreter) {}

  static ReadElf readelf(Path file) throws IOException, InterruptedException {
    String out = run(List.of("readelf", "-W", "-d", "-l", file.toString()));
    return new ReadElf(all(out, "\\(NEEDED\\)\\s+Shared library: \\[(.*)\\]"),
        all(out, "\\(SONAME\\)\\s+Library soname: \\[(.*)\\]").stream().findFirst(),
        all(out, "\\(RPATH\\)\\s+Library rpath: \\[(.*)\\]").stream().findFirst(),
        all(out, "\\(RUNPATH\\)\\s+Library runpath: \\[(.*)\\]").stream().findFirst(),
        all(out, "\\[Requesting program interpreter: (.*)\\]").stream().findFirst());
  }

  private static List<String> all(String text, String regex) {
    List<String> out = new ArrayList<>();
    Matcher m = Pattern.compile(regex).matcher(text);
    while (m.find()) {
      out.add(m.group(1));
    }
    return out;
  }
}

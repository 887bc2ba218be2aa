package dev.shrink.fuzz;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;

/**
 * Longer fuzzing runs: {@code FuzzMain SECONDS SEED [TARGET...]} runs each target (all when none
 * is named) for SECONDS, prints its execution count and findings, and saves each finding's input
 * under {@code fuzz-findings/} of the working directory.
 */
public final class FuzzMain {
  private FuzzMain() {}

  public static void main(String[] args) throws Exception {
    long seconds = Long.parseLong(args[0]);
    long seed = Long.parseLong(args[1]);
    List<Target> targets = args.length > 2 ? List.of(args).subList(2, args.length).stream().map(Targets::named).toList() : Targets.all();
    int found = 0;
    for (Target t : targets) {
      long start = System.nanoTime();
      Fuzzer.Result r = Fuzzer.run(t, seed, Duration.ofSeconds(seconds), Duration.ofSeconds(10));
      System.out.printf("%-11s %,12d executions in %d s, %d findings%n", t.name(), r.executions(), (System.nanoTime() - start) / 1_000_000_000L,
          r.findings().size());
      for (int i = 0; i < r.findings().size(); i++) {
        Fuzzer.Finding f = r.findings().get(i);
        Path file = Path.of("fuzz-findings", t.name() + "-" + seed + "-" + i);
        Files.createDirectories(file.getParent());
        Files.write(file, f.input());
        System.out.println("  " + file + ": " + f.problem().lines().limit(8).reduce((a, b) -> a + "\n    " + b).orElse(""));
      }
      found += r.findings().size();
    }
    System.exit(found == 0 ? 0 : 1);
  }

  /** A finding as text: the problem and the input in base64 (inputs are small). */
  static String describe(Fuzzer.Finding f) {
    String input = Base64.getEncoder().encodeToString(f.input());
    return f.problem() + "\ninput (" + f.input().length + " bytes, base64): " + (input.length() > 4000 ? input.substring(0, 4000) + "..." : input);
  }
}

package dev.shrink.testing;

import dev.shrink.cli.Main;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/** {@code shrink ARGS...} in this JVM, with what it printed captured (and echoed after, for the test's log). */
public final class Cli {
  private Cli() {}

  /** How a run ended: exit code, stdout, stderr. */
  public record Run(int exit, String out, String err) {}

  public static synchronized Run run(String... args) {
    PrintStream oldOut = System.out;
    PrintStream oldErr = System.err;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    try {
      int exit = Main.run(args);
      return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    } finally {
      System.setOut(oldOut);
      System.setErr(oldErr);
      System.out.print(out.toString(StandardCharsets.UTF_8));
      System.err.print(err.toString(StandardCharsets.UTF_8));
    }
  }
}

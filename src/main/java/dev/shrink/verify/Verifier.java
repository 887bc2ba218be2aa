package dev.shrink.verify;

import dev.shrink.engine.Engine;
import dev.shrink.probe.ContainerRunner;
import dev.shrink.probe.Outcome;
import dev.shrink.probe.Probe;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs the original and the shrunk image with the same probes and compares what they answer:
 * HTTP status and body, a command's exit code and stdout, a script's exit code, after the user's normalisers
 * ({@code --ignore-regex}: every match is replaced by the same placeholder in both). The shrunk
 * image's output is also searched for the signs of a missing file or module that the original's
 * output does not show.
 */
public final class Verifier {
  /** Text that says a file or module is missing. */
  static final List<String> FAILURE_SIGNS = List.of("ModuleNotFoundError", "ImportError", "No such file or directory", "Traceback");
  private static final Pattern NO_MODULE = Pattern.compile("No module named '([^']+)'");
  private static final Pattern UNKNOWN_ENCODING = Pattern.compile("unknown encoding: ([\\w.-]+)");
  private static final Pattern NO_FILE = Pattern.compile("No such file or directory: '([^']+)'");
  private static final List<Pattern> MISSING = List.of(
      NO_MODULE,
      UNKNOWN_ENCODING,
      NO_FILE,
      Pattern.compile("([^\\s:'\"]+): cannot open shared object file"),
      Pattern.compile("cannot load library '([^']+)'"),
      Pattern.compile("exec ([^:\\s]+): no such file or directory"));

  /**
   * One difference.
   *
   * @param probe the probe's label
   * @param what what differs ("status", "body", "exit code", "stdout", "error in output", "missing")
   */
  public record Difference(String probe, String what, String original, String shrunk) {
    @Override
    public String toString() {
      String said = probe + ": " + what + " differs: original " + shorten(original) + ", shrunk " + shorten(shrunk);
      if (!what.equals("body") && !what.equals("stdout")) {
        return said;
      }
      return said + volatileNumbers(original, shrunk).map(regex -> "\n  they differ only in numbers, values that may change on every run "
          + "(a counter, a random number, a time): if so, compare without them with --ignore-regex '" + regex + "'").orElse("");
    }
  }

  /**
   * When two texts differ only in numbers, an {@code --ignore-regex} that makes them equal: each
   * differing number with the text just before it ({@code "number": \d+}); empty otherwise.
   */
  static java.util.Optional<String> volatileNumbers(String a, String b) {
    String[] x = a.split("(?<=\\d)(?=\\D)|(?<=\\D)(?=\\d)", -1);
    String[] y = b.split("(?<=\\d)(?=\\D)|(?<=\\D)(?=\\d)", -1);
    if (x.length != y.length || a.equals(b)) {
      return java.util.Optional.empty();
    }
    Set<String> regexes = new LinkedHashSet<>();
    for (int i = 0; i < x.length; i++) {
      boolean number = !x[i].isEmpty() && Character.isDigit(x[i].charAt(0));
      if (number != (!y[i].isEmpty() && Character.isDigit(y[i].charAt(0))) || !number && !x[i].equals(y[i])) {
        return java.util.Optional.empty();
      }
      if (number && !x[i].equals(y[i])) {
        String before = i == 0 ? "" : x[i - 1];
        String context = before.substring(Math.max(Math.max(before.lastIndexOf(','), before.lastIndexOf('{')), before.lastIndexOf('\n')) + 1)
            .stripLeading();
        regexes.add(context.replaceAll("[\\\\^$.|?*+()\\[\\]{}]", "\\\\$0") + "\\d+");
      }
    }
    return java.util.Optional.of(String.join("|", regexes));
  }

  /**
   * The comparison: differences (empty = the shrunk image behaves the same) and names of what looks
   * missing. When the original did not pass a probe there is nothing to compare with: no
   * differences, and {@code shrunk} is empty when it was not run.
   */
  public record Report(List<Difference> differences, List<String> missing, List<Outcome> original, List<Outcome> shrunk) {
    /** True when the original passed every probe and the shrunk image answered like it. */
    public boolean ok() {
      return originalFailures().isEmpty() && differences.isEmpty();
    }

    /** The probes the original did not pass, each with why ({@link Outcome#failure()}): {@code GET /number (no answer ...)}. */
    public List<String> originalFailures() {
      return failures(original);
    }
  }

  /**
   * The shrunk image runs as users will run it: a read-only root ({@code /tmp} is a tmpfs then)
   * and the image's own user (no {@code --user}). The original runs as it is.
   */
  public static final ContainerRunner.Wrapper AS_USERS_RUN_IT = new ContainerRunner.Wrapper() {
    @Override
    public List<String> runOptions() {
      return List.of("--read-only");
    }
  };

  private Verifier() {}

  /**
   * Runs the original with {@code probes} (at least one: the caller chooses the default), and when
   * it passed them all, the shrunk image, and compares.
   */
  public static Report verify(Engine originalEngine, String original, Engine shrunkEngine, String shrunk, List<Probe> probes,
      List<Pattern> ignore, ContainerRunner.Settings settings) throws IOException {
    if (probes.isEmpty()) {
      throw new IllegalArgumentException("verify needs at least one probe");
    }
    List<Outcome> a = new ContainerRunner(originalEngine, settings).run(original, probes, ContainerRunner.Wrapper.NONE);
    if (!failures(a).isEmpty()) {
      return new Report(List.of(), List.of(), a, List.of());
    }
    List<Outcome> b = new ContainerRunner(shrunkEngine, settings).run(shrunk, probes, AS_USERS_RUN_IT);
    return compare(a, b, ignore);
  }

  static List<String> failures(List<Outcome> outcomes) {
    return outcomes.stream().flatMap(o -> o.failure().map(f -> o.probe().label() + " (" + f + ")").stream()).toList();
  }

  /** Compares outcomes of the same probes, in the same order; nothing when the original did not pass them. */
  public static Report compare(List<Outcome> original, List<Outcome> shrunk, List<Pattern> ignore) {
    if (!failures(original).isEmpty()) {
      return new Report(List.of(), List.of(), original, shrunk);
    }
    List<Difference> diffs = new ArrayList<>();
    Set<String> missing = new LinkedHashSet<>();
    Set<String> logsSeen = new LinkedHashSet<>();
    for (int i = 0; i < original.size(); i++) {
      Outcome a = original.get(i);
      Outcome b = shrunk.get(i);
      String label = a.probe().label();
      boolean http = a.http();
      if (b.error() != null && a.error() == null) {
        diffs.add(new Difference(label, "run", "ran", b.error()));
      }
      if (a.status() != b.status()) {
        diffs.add(new Difference(label, http ? "status" : "exit code", String.valueOf(a.status()), String.valueOf(b.status())));
      }
      String bodyA = normalise(a.body(), ignore);
      String bodyB = normalise(b.body(), ignore);
      if (a.probe() instanceof Probe.Script) {
        // the user's checks judge; their output (timings, ids) is only shown
        if (a.status() != b.status()) {
          diffs.add(new Difference(label, "script output", bodyA, bodyB));
        }
      } else if (!bodyA.equals(bodyB)) {
        diffs.add(new Difference(label, http ? "body" : "stdout", bodyA, bodyB));
      }
      if (logsSeen.add(b.logs())) {
        for (String sign : FAILURE_SIGNS) {
          if (b.logs().contains(sign) && !a.logs().contains(sign)) {
            diffs.add(new Difference(label, "error in output", "no " + sign, excerpt(b.logs(), sign)));
          }
        }
        missing.addAll(missingNames(b.logs()));
      }
    }
    missing.removeAll(missingNames(String.join("\n", original.stream().map(Outcome::logs).toList())));
    for (String m : missing) {
      diffs.add(new Difference("output", "missing", "present", m));
    }
    return new Report(List.copyOf(diffs), List.copyOf(missing), original, shrunk);
  }

  /** Modules the output says are missing: {@code No module named 'X'}, and codecs ({@code unknown encoding: X} is module {@code encodings.X}). */
  public static List<String> missingModules(String logs) {
    Set<String> names = new LinkedHashSet<>();
    NO_MODULE.matcher(logs).results().forEach(m -> names.add(m.group(1)));
    UNKNOWN_ENCODING.matcher(logs).results().forEach(m -> names.add("encodings." + m.group(1).toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9.]", "_")));
    return List.copyOf(names);
  }

  /** Absolute paths the output says a process could not open ({@code No such file or directory: '/P'}). */
  public static List<String> missingFiles(String logs) {
    return NO_FILE.matcher(logs).results().map(m -> m.group(1)).filter(p -> p.startsWith("/")).distinct().toList();
  }

  /** Files, modules and libraries the output says are missing. */
  public static List<String> missingNames(String logs) {
    Set<String> names = new LinkedHashSet<>();
    for (Pattern p : MISSING) {
      Matcher m = p.matcher(logs);
      while (m.find()) {
        names.add(m.group(1));
      }
    }
    return List.copyOf(names);
  }

  static String normalise(String text, List<Pattern> ignore) {
    String out = text == null ? "" : text;
    for (Pattern p : ignore) {
      out = p.matcher(out).replaceAll("<ignored>");
    }
    return out;
  }

  private static String excerpt(String logs, String sign) {
    int at = logs.indexOf(sign);
    int start = logs.lastIndexOf('\n', Math.max(0, at - 1)) + 1;
    int end = logs.indexOf('\n', at);
    return logs.substring(start, end < 0 ? logs.length() : end).strip();
  }

  private static String shorten(String s) {
    String one = s.replace("\n", "\\n");
    return one.length() > 200 ? "'" + one.substring(0, 200) + "...'" : "'" + one + "'";
  }
}

package dev.shrink.python;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * How a Python interpreter is started: CPython's own command line (options, then -m, -c or a
 * script), read in this one place.
 */
public final class PythonCommandLine {
  private static final Pattern INTERPRETER = Pattern.compile("python(\\d+(\\.\\d+)?)?");
  /** Options that take a value as the next argument. */
  private static final Set<String> WITH_VALUE = Set.of("-W", "-X", "--check-hash-based-pycs");

  private PythonCommandLine() {}

  /** Whether the program at {@code realPath} (links resolved) is a Python interpreter, by its name. */
  public static boolean isInterpreter(String realPath) {
    return INTERPRETER.matcher(realPath.substring(realPath.lastIndexOf('/') + 1)).matches();
  }

  /**
   * The launch, the arguments the program itself sees, and whether the options turn frozen modules
   * off ({@code -X frozen_modules=off}: the interpreter then imports the stdlib's sources).
   */
  public record Parsed(Launch launch, List<String> programArgs, boolean frozenModulesOff) {
    Parsed(Launch launch, List<String> programArgs, List<String> options) {
      this(launch, List.copyOf(programArgs), options.stream().anyMatch(o -> o.endsWith("frozen_modules=off")));
    }
  }

  /** The parsed command line of an interpreter started with {@code args}; empty for an interactive interpreter. */
  public static Optional<Parsed> parse(List<String> args, String workdir) {
    for (int i = 0; i < args.size(); i++) {
      String a = args.get(i);
      List<String> options = args.subList(0, i);
      if (a.equals("-m") && i + 1 < args.size()) {
        return Optional.of(new Parsed(Launch.module(args.get(i + 1), workdir), args.subList(i + 2, args.size()), options));
      }
      if (a.equals("-c") && i + 1 < args.size()) {
        return Optional.of(new Parsed(Launch.code(args.get(i + 1), workdir), args.subList(i + 2, args.size()), options));
      }
      if (a.startsWith("-m") && a.length() > 2) {
        return Optional.of(new Parsed(Launch.module(a.substring(2), workdir), args.subList(i + 1, args.size()), options));
      }
      if (WITH_VALUE.contains(a)) {
        i++;
        continue;
      }
      if (a.equals("-") || a.equals("--")) {
        return a.equals("--") && i + 1 < args.size()
            ? Optional.of(new Parsed(Launch.script(absolute(args.get(i + 1), workdir), workdir), args.subList(i + 2, args.size()), options))
            : Optional.empty();
      }
      if (!a.startsWith("-")) {
        return Optional.of(new Parsed(Launch.script(absolute(a, workdir), workdir), args.subList(i + 1, args.size()), options));
      }
    }
    return Optional.empty();
  }

  /** {@code path} as an absolute image path, a relative one taken from {@code workdir}. */
  public static String absolute(String path, String workdir) {
    return path.startsWith("/") ? path : (workdir.endsWith("/") ? workdir : workdir + "/") + path;
  }
}

package dev.shrink.minify;

import dev.shrink.python.Launch;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/** How a Python interpreter is started: reads CPython's own command line (options, then -m, -c or a script). */
final class PythonLaunch {
  private static final Pattern INTERPRETER = Pattern.compile("python(\\d+(\\.\\d+)?)?");
  /** Options that take a value as the next argument. */
  private static final Set<String> WITH_VALUE = Set.of("-W", "-X", "--check-hash-based-pycs");

  private PythonLaunch() {}

  static boolean isInterpreter(String realPath) {
    return INTERPRETER.matcher(realPath.substring(realPath.lastIndexOf('/') + 1)).matches();
  }

  /** The launch and the arguments the program itself sees, or empty for an interactive interpreter. */
  record Parsed(Launch launch, List<String> programArgs) {}

  static Optional<Parsed> parse(List<String> args, String workdir) {
    for (int i = 0; i < args.size(); i++) {
      String a = args.get(i);
      if (a.equals("-m") && i + 1 < args.size()) {
        return Optional.of(new Parsed(Launch.module(args.get(i + 1), workdir), args.subList(i + 2, args.size())));
      }
      if (a.equals("-c") && i + 1 < args.size()) {
        return Optional.of(new Parsed(Launch.code(args.get(i + 1), workdir), args.subList(i + 2, args.size())));
      }
      if (a.startsWith("-m") && a.length() > 2) {
        return Optional.of(new Parsed(Launch.module(a.substring(2), workdir), args.subList(i + 1, args.size())));
      }
      if (WITH_VALUE.contains(a)) {
        i++;
        continue;
      }
      if (a.equals("-") || a.equals("--")) {
        return a.equals("--") && i + 1 < args.size()
            ? Optional.of(new Parsed(Launch.script(absolute(args.get(i + 1), workdir), workdir), args.subList(i + 2, args.size())))
            : Optional.empty();
      }
      if (!a.startsWith("-")) {
        return Optional.of(new Parsed(Launch.script(absolute(a, workdir), workdir), args.subList(i + 1, args.size())));
      }
    }
    return Optional.empty();
  }

  static String absolute(String path, String workdir) {
    return path.startsWith("/") ? path : (workdir.endsWith("/") ? workdir : workdir + "/") + path;
  }
}

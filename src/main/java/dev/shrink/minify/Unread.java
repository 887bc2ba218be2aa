package dev.shrink.minify;

import dev.shrink.closure.Analyser;
import dev.shrink.closure.Requirement;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Files no Python runtime reads, dropped when only a whole-directory copy (analyser {@code app}:
 * the application directory kept whole) brought them in; any other reason (an import, a trace,
 * {@code --include}, knowledge) keeps them:
 * <ul>
 *   <li>type stubs and markers: {@code *.pyi}, {@code py.typed} (read by type checkers only);
 *   <li>bytecode of another interpreter: {@code __pycache__/NAME.TAG.pyc} whose TAG is not the
 *       image's ({@code cpython-311}): the import system only looks for its own tag;
 *   <li>test suites of third-party packages: {@code tests/} and {@code test/} directories at or
 *       below a {@code site-packages} or {@code dist-packages} directory.
 * </ul>
 */
final class Unread {
  private static final Pattern CACHED = Pattern.compile(".*/__pycache__/[^/]+?\\.([a-z]+-\\d+)(\\.opt-\\d+)?\\.pyc");
  private static final Pattern THIRD_PARTY_TESTS = Pattern.compile(".*/(site|dist)-packages/(.*/)?tests?(/.*)?");

  private Unread() {}

  /** The kept set without unread files, and each dropped path with why. */
  record Result(FileSet kept, Map<String, String> dropped) {}

  /** {@code tag} is the interpreter's bytecode tag, e.g. "cpython-311". */
  static Result drop(FileSet files, String tag) {
    Map<String, String> dropped = new LinkedHashMap<>();
    for (Map.Entry<String, List<Requirement>> e : files.reasons().entrySet()) {
      if (!e.getValue().stream().allMatch(r -> r.analyser() == Analyser.APP)) {
        continue;
      }
      String why = why(e.getKey(), tag);
      if (why != null) {
        dropped.put(e.getKey(), why);
      }
    }
    return new Result(files.without(dropped.keySet()), dropped);
  }

  private static String why(String path, String tag) {
    String name = path.substring(path.lastIndexOf('/') + 1);
    if (name.endsWith(".pyi") || name.equals("py.typed")) {
      return "type-checker file, never imported";
    }
    Matcher m = CACHED.matcher(path);
    if (m.matches() && !m.group(1).equals(tag)) {
      return "bytecode of " + m.group(1) + ", the image's interpreter reads only " + tag;
    }
    if (THIRD_PARTY_TESTS.matcher(path).matches()) {
      return "test suite of a third-party package, not imported";
    }
    return null;
  }
}

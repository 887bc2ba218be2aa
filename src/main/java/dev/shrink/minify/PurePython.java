package dev.shrink.minify;

import dev.shrink.closure.Analyser;
import dev.shrink.closure.Requirement;
import dev.shrink.fs.RootFs;
import dev.shrink.python.ModuleNames;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code --pure-python}: a compiled module whose own Python source ships beside it, as Cython
 * builds of pure-Python packages do (Debian's falcon: {@code app.cpython-311-x86_64-linux-gnu.so}
 * and {@code app.py}), is kept as that source (later its bytecode) instead of the extension. The
 * import system prefers the extension, so the source is what the package runs where no compiler
 * was; it behaves the same and runs slower. The import scanner already followed the source's
 * imports, since the binary's cannot be read.
 *
 * <p>Not swapped: a source that names its extension's file (setuptools' egg loader stubs load the
 * extension by that name), and modules off sys.path.
 */
final class PurePython {
  private static final Pattern EXTENSION = Pattern.compile("(.*/)([A-Za-z_]\\w*)\\.(cpython-\\d+[\\w-]*|abi3)\\.so");

  private PurePython() {}

  /** The kept set after the swap, and each extension dropped with the source kept instead. */
  record Result(FileSet kept, Map<String, String> swapped) {}

  /** {@code tag} is the interpreter's bytecode tag ("cpython-311"): the source's cached bytecode comes along. */
  static Result swap(FileSet files, List<String> sysPath, String tag) throws IOException {
    RootFs root = files.root();
    Map<String, List<Requirement>> reasons = files.reasons();
    Map<String, String> swapped = new LinkedHashMap<>();
    for (String path : reasons.keySet()) {
      Matcher m = EXTENSION.matcher(path);
      if (!m.matches() || !root.isRegularFile(path) || ModuleNames.of(sysPath, path).isEmpty()) {
        continue;
      }
      String source = m.group(1) + m.group(2) + ".py";
      if (root.isRegularFile(source)
          && !new String(root.read(source), StandardCharsets.UTF_8).contains(path.substring(path.lastIndexOf('/') + 1))) {
        swapped.put(path, source);
      }
    }
    Set<String> drop = new HashSet<>(swapped.keySet());
    FileSet kept = files.without(drop);
    swapped.forEach((extension, source) -> {
      String why = "pure-Python source of " + extension + ", kept instead of it (--pure-python): " + reasons.get(extension).get(0).reason();
      kept.add(new Requirement(source, Analyser.PYTHON, why, reasons.get(extension).get(0).from()));
      kept.add(new Requirement(Sourceless.cacheOf(source, tag, 0), Analyser.PYTHON, "bytecode cache of " + source, source));
    });
    return new Result(kept, swapped);
  }
}

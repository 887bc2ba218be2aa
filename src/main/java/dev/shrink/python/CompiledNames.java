package dev.shrink.python;

import dev.shrink.elf.ElfData;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The modules an extension module's compiled code names in its constant data, which C, Cython or
 * Rust code imports by those names ({@code PyImport_ImportModule("numpy._core._exceptions")},
 * Cython's {@code from lxml import _elementpath}, cffi's {@code _cffi_backend}), invisible to the
 * import scanner. A C string (between NUL bytes) counts when it is, in full, a dotted name or
 * {@code module:attribute} and
 *
 * <ul>
 *   <li>its longest prefix of two parts or more is a module, and its first part is in {@code tops}
 *       (the extension's own top-level name, and those of the distributions its distribution
 *       requires): {@code numpy._core._internal._dtype_from_pep3118} names {@code numpy._core._internal};
 *   <li>or it is a bare name in {@code tops} ({@code _cffi_backend} for cryptography, which requires cffi);
 *   <li>or it is the bare name of a module beside the extension in its package.
 * </ul>
 *
 * Cython 3.1 packs a module's identifiers into one zlib stream without separators; there, a
 * private module beside the extension ({@code _elementpath} beside {@code lxml.etree}) counts when
 * its name occurs anywhere. Left out on purpose: words in messages and docstrings, the standard
 * library and unrelated packages (compiled code holds {@code this}, {@code test}, {@code string},
 * {@code pip}, {@code asyncio.coroutines}), and public siblings in a packed stream ({@code html}
 * and {@code builder} are also parts of other identifiers). See docs/decisions.md.
 */
final class CompiledNames {
  private static final Pattern NAME = Pattern.compile("([A-Za-z_]\\w*(?:\\.[A-Za-z_]\\w*)*)(?::[A-Za-z_][\\w.]*)?");
  private static final int MAX_NAME = 200;

  private CompiledNames() {}

  /** The modules beside {@code module} in its package {@code pkg}, by the file names of its directory ({@code listing}). */
  static Set<String> siblings(List<String> listing, String pkg, String module) {
    Set<String> siblings = new TreeSet<>();
    for (String n : listing) {
      String stem = n.split("\\.", 2)[0];
      if (!stem.isEmpty() && !stem.equals("__init__") && !PackageData.TEST_DIRS.contains(stem) && !module.equals(pkg + "." + stem)) {
        siblings.add(stem);
      }
    }
    return siblings;
  }

  /**
   * Module names found in {@code data} mapped to the string that named each, in order of discovery.
   *
   * @param pkg the package the extension is in ("" for a top-level one)
   * @param siblings the names of the modules beside the extension in {@code pkg}
   * @param tops the top-level names its own and its required distributions provide
   * @param exists whether a module of that absolute name is on sys.path
   */
  static Map<String, String> find(ElfData data, String pkg, Set<String> siblings, Set<String> tops, Predicate<String> exists) {
    Map<String, String> found = new LinkedHashMap<>();
    for (byte[] section : data.sections()) {
      for (String token : tokens(section)) {
        String module = module(token, pkg, siblings, tops, exists);
        if (module != null) {
          found.putIfAbsent(module, token);
        }
      }
    }
    for (byte[] packed : data.inflated()) {
      String text = new String(packed, StandardCharsets.ISO_8859_1);
      for (String s : siblings) {
        String module = pkg + "." + s;
        if (s.startsWith("_") && !found.containsKey(module) && text.contains(s) && exists.test(module)) {
          found.put(module, s);
        }
      }
    }
    return found;
  }

  private static String module(String token, String pkg, Set<String> siblings, Set<String> tops, Predicate<String> exists) {
    String[] parts = token.split("\\.");
    if (parts.length == 1) {
      if (!pkg.isEmpty() && siblings.contains(token) && exists.test(pkg + "." + token)) {
        return pkg + "." + token;
      }
      return tops.contains(token) && exists.test(token) ? token : null;
    }
    return tops.contains(parts[0]) ? ModuleNames.longestModule(token, exists) : null;
  }

  /**
   * The strings of {@code bytes} (between NUL bytes, as C stores its literals) that are a dotted
   * name or {@code module:attribute}, as the module part: a name in a message or a docstring is
   * not one.
   */
  static Set<String> tokens(byte[] bytes) {
    Set<String> out = new LinkedHashSet<>();
    int start = 0;
    for (int i = 0; i <= bytes.length; i++) {
      if (i == bytes.length || bytes[i] == 0) {
        if (i > start && i - start <= MAX_NAME) {
          Matcher m = NAME.matcher(new String(bytes, start, i - start, StandardCharsets.ISO_8859_1));
          if (m.matches()) {
            out.add(m.group(1));
          }
        }
        start = i + 1;
      }
    }
    return out;
  }
}

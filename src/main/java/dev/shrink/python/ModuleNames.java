package dev.shrink.python;

import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/** The module a file on {@code sys.path} is imported as: the inverse of the module finder, for files seen loaded. */
public final class ModuleNames {
  private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_]\\w*");
  /**
   * A top-level module file's name may hold a '-': no import statement can name it, importlib can
   * (Debian's {@code _sysconfigdata__x86_64-linux-gnu}).
   */
  private static final Pattern MODULE_FILE = Pattern.compile("[A-Za-z_][\\w-]*");
  private static final Pattern EXTENSION = Pattern.compile("\\.(cpython-\\d+[\\w-]*|abi3)?\\.?so$");

  private ModuleNames() {}

  /**
   * The longest prefix of two parts or more of the dotted {@code name} that {@code exists} says is
   * a module ({@code pkg.mod.Class} -> {@code pkg.mod}); null when there is none.
   */
  static String longestModule(String name, Predicate<String> exists) {
    String[] parts = name.split("\\.");
    for (int k = parts.length; k >= 2; k--) {
      String prefix = String.join(".", Arrays.copyOf(parts, k));
      if (exists.test(prefix)) {
        return prefix;
      }
    }
    return null;
  }

  /**
   * {@code /usr/lib/python3.11/json/__pycache__/decoder.cpython-311.pyc} with {@code
   * /usr/lib/python3.11} on the path is {@code json.decoder}; empty when the file is on no entry
   * of {@code sysPath} or its name is no module name.
   */
  public static Optional<String> of(List<String> sysPath, String file) {
    String entry = sysPath.stream().filter(e -> !e.isEmpty() && file.startsWith(e.endsWith("/") ? e : e + "/"))
        .max(Comparator.comparingInt(String::length)).orElse(null);
    if (entry == null) {
      return Optional.empty();
    }
    String rel = file.substring(entry.length() + (entry.endsWith("/") ? 0 : 1));
    if (rel.contains("/__pycache__/")) {
      int slash = rel.lastIndexOf('/');
      String name = rel.substring(slash + 1);
      int dot = name.indexOf('.');
      rel = rel.substring(0, rel.indexOf("/__pycache__/")) + "/" + (dot < 0 ? name : name.substring(0, dot)) + ".py";
    } else if (rel.startsWith("__pycache__/")) {
      String name = rel.substring("__pycache__/".length());
      int dot = name.indexOf('.');
      rel = (dot < 0 ? name : name.substring(0, dot)) + ".py";
    }
    String stem;
    if (rel.endsWith(".py")) {
      stem = rel.substring(0, rel.length() - 3);
    } else if (rel.endsWith(".pyc")) {
      stem = rel.substring(0, rel.length() - 4);
    } else if (rel.endsWith(".so")) {
      stem = EXTENSION.matcher(rel).replaceFirst("");
    } else {
      return Optional.empty();
    }
    if (stem.endsWith("/__init__")) {
      stem = stem.substring(0, stem.length() - "/__init__".length());
    } else if (stem.equals("__init__")) {
      return Optional.empty();
    }
    String[] parts = stem.split("/");
    for (int i = 0; i < parts.length; i++) {
      if (!(parts.length == 1 ? MODULE_FILE : IDENTIFIER).matcher(parts[i]).matches()) {
        return Optional.empty();
      }
    }
    return Optional.of(String.join(".", parts));
  }
}

package dev.shrink.python;

import dev.shrink.python.PyTokenizer.Token;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/** Which module of the image's {@code encodings} package serves a codec name, as CPython finds it at run time. */
final class Codecs {
  private final ModuleFinder finder;
  private final Function<String, String> readText;

  Codecs(ModuleFinder finder, Function<String, String> readText) {
    this.finder = finder;
    this.readText = readText;
  }

  /** The encodings module for the locale's codeset, or null for C/POSIX/unset (UTF-8 then). */
  String forLocale(Map<String, String> env) {
    String loc = null;
    for (String var : List.of("LC_ALL", "LC_CTYPE", "LANG")) {
      String v = env.get(var);
      if (v != null && !v.isEmpty()) {
        loc = v;
        break;
      }
    }
    if (loc == null || loc.equals("C") || loc.equals("POSIX")) {
      return null;
    }
    int dot = loc.indexOf('.');
    if (dot < 0) {
      return "latin_1"; // glibc's default codeset for a locale without one
    }
    String codeset = loc.substring(dot + 1).split("@")[0];
    return module(codeset);
  }

  /** encodings.search_function's mapping: normalize, then the aliases table of the image's encodings. */
  String module(String encoding) {
    String norm = encoding.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9.]+", "_").replace('.', '_');
    Optional<PyModule> enc = finder.find("encodings");
    if (enc.isEmpty() || enc.get().locations().isEmpty()) {
      return null;
    }
    String dir = enc.get().locations().get(0);
    String aliases = readText.apply(dir + "/aliases.py");
    if (aliases != null) {
      List<Token> t = PyTokenizer.tokenize(aliases);
      for (int i = 0; i + 2 < t.size(); i++) {
        if (norm.equals(t.get(i).stringValue()) && t.get(i + 1).is(":") && t.get(i + 2).stringValue() != null) {
          return t.get(i + 2).stringValue();
        }
      }
    }
    return finder.find("encodings." + norm).isPresent() ? norm : null;
  }
}

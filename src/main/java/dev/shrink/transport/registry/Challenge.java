package dev.shrink.transport.registry;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * One {@code WWW-Authenticate} challenge: {@code Basic realm="r"} or
 * {@code Bearer realm="https://auth/token",service="registry",scope="repository:app:pull,push"}.
 *
 * @param scheme lowercase: {@code basic} or {@code bearer}
 */
record Challenge(String scheme, Map<String, String> params) {
  Challenge {
    params = Map.copyOf(params);
  }

  /** Parses the first challenge of a header value; null when the value is null or blank. */
  static Challenge parse(String header) {
    if (header == null || header.isBlank()) {
      return null;
    }
    String s = header.strip();
    int i = 0;
    while (i < s.length() && !Character.isWhitespace(s.charAt(i))) {
      i++;
    }
    String scheme = s.substring(0, i).toLowerCase(Locale.ROOT);
    Map<String, String> params = new LinkedHashMap<>();
    while (i < s.length()) {
      while (i < s.length() && (s.charAt(i) == ',' || Character.isWhitespace(s.charAt(i)))) {
        i++;
      }
      int eq = s.indexOf('=', i);
      if (eq < 0) {
        break;
      }
      String key = s.substring(i, eq).strip().toLowerCase(Locale.ROOT);
      i = eq + 1;
      StringBuilder value = new StringBuilder();
      if (i < s.length() && s.charAt(i) == '"') {
        i++;
        while (i < s.length() && s.charAt(i) != '"') {
          if (s.charAt(i) == '\\' && i + 1 < s.length()) {
            i++;
          }
          value.append(s.charAt(i++));
        }
        i++;
      } else {
        while (i < s.length() && s.charAt(i) != ',') {
          value.append(s.charAt(i++));
        }
      }
      if (key.contains(" ")) {
        break; // the start of a second challenge: one is enough for a registry
      }
      params.put(key, value.toString().strip());
    }
    return new Challenge(scheme, params);
  }

  String param(String name) {
    return params.get(name);
  }
}

package dev.shrink.python;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The headers of a distribution's core metadata ({@code METADATA}, {@code PKG-INFO}): RFC 822
 * style, a field's value continued on lines that start with white space, the headers ending at the
 * first empty line (the description may follow). Field names are matched without regard to case;
 * a field may repeat (Classifier, Requires-Dist).
 */
public record Metadata(Map<String, List<String>> fields) {
  public Metadata {
    fields = Map.copyOf(fields);
  }

  public static Metadata parse(String text) {
    Map<String, List<String>> fields = new LinkedHashMap<>();
    List<String> current = null;
    for (String line : text.split("\r?\n", -1)) {
      if (line.isEmpty()) {
        break;
      }
      if (Character.isWhitespace(line.charAt(0))) {
        if (current != null && !current.isEmpty()) {
          current.set(current.size() - 1, current.get(current.size() - 1) + "\n" + line.strip());
        }
        continue;
      }
      int colon = line.indexOf(':');
      if (colon <= 0) {
        current = null;
        continue;
      }
      current = fields.computeIfAbsent(line.substring(0, colon).strip().toLowerCase(Locale.ROOT), k -> new ArrayList<>());
      current.add(line.substring(colon + 1).strip());
    }
    Map<String, List<String>> copy = new LinkedHashMap<>();
    fields.forEach((k, v) -> copy.put(k, List.copyOf(v)));
    return new Metadata(copy);
  }

  /** Every value of a field, in order; empty when it is absent. */
  public List<String> all(String field) {
    return fields.getOrDefault(field.toLowerCase(Locale.ROOT), List.of());
  }

  /** The first value of a field, or null. */
  public String first(String field) {
    List<String> values = all(field);
    return values.isEmpty() ? null : values.get(0);
  }
}

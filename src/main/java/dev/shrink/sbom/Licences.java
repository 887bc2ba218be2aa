package dev.shrink.sbom;

import dev.shrink.json.Json;
import dev.shrink.python.Metadata;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Licences as packages declare them, mapped to SPDX identifiers by {@code knowledge/licences.json}:
 * Debian's machine-readable copyright files (DEP-5) and Python core metadata.
 */
final class Licences {
  private static final String DEP5_FORMAT = "https://www.debian.org/doc/packaging-manuals/copyright-format/1.0";

  record Name(String name, String spdx, String reason) {
    Name {
      require(name, spdx, reason);
    }
  }

  record Classifier(String classifier, String spdx, String reason) {
    Classifier {
      require(classifier, spdx, reason);
    }
  }

  record Document(String comment, List<Name> names, List<Classifier> classifiers) {}

  private static void require(String key, String spdx, String reason) {
    if (key == null || spdx == null || reason == null || reason.isBlank()) {
      throw new IllegalArgumentException("an entry needs its name or classifier, \"spdx\" and \"reason\"");
    }
  }

  private final Map<String, String> names = new TreeMap<>();
  private final Map<String, String> classifiers = new TreeMap<>();

  Licences(Document doc) {
    doc.names().forEach(n -> names.put(n.name().toLowerCase(Locale.ROOT), n.spdx()));
    doc.classifiers().forEach(c -> classifiers.put(c.classifier(), c.spdx()));
  }

  static Licences load() {
    return new Licences(Json.resource("/knowledge/licences.json", Document.class));
  }

  /**
   * The licences a DEP-5 copyright file declares: the distinct License names of its paragraphs
   * (the header's and each Files paragraph's; stand-alone License paragraphs only hold texts).
   * Empty when the file is not machine-readable.
   */
  List<Licence> dep5(String copyright) {
    List<String> stanzas = Dpkg.stanzas(copyright);
    if (stanzas.isEmpty() || !Dpkg.fields(stanzas.get(0)).getOrDefault("Format", "").replaceFirst("^http:", "https:")
        .replaceFirst("/$", "").equals(DEP5_FORMAT)) {
      return List.of();
    }
    Set<Licence> out = new LinkedHashSet<>();
    for (int i = 0; i < stanzas.size(); i++) {
      Map<String, String> f = Dpkg.fields(stanzas.get(i));
      String name = f.get("License");
      if (name != null && !name.isEmpty() && (i == 0 || f.containsKey("Files"))) {
        out.add(name(name));
      }
    }
    return List.copyOf(out);
  }

  /**
   * The licences of a Python distribution: License-Expression (an SPDX expression, core metadata
   * 2.4); else a License field that maps to SPDX; else the classifiers that map; else the License
   * field as a name (a short one: the field often holds the whole text) or the classifiers' names.
   */
  List<Licence> python(Metadata metadata) {
    String expression = metadata.first("License-Expression");
    if (expression != null && !expression.isBlank()) {
      return List.of(new Licence(expression, true));
    }
    String field = metadata.first("License");
    field = field == null || field.isBlank() || field.contains("\n") || field.length() > 80 || field.equalsIgnoreCase("UNKNOWN") ? null : field;
    Licence fromField = field == null ? null : name(field);
    if (fromField != null && fromField.spdx()) {
      return List.of(fromField);
    }
    Set<Licence> mapped = new LinkedHashSet<>();
    List<Licence> unmapped = new ArrayList<>();
    for (String c : metadata.all("Classifier")) {
      if (c.startsWith("License :: ")) {
        String spdx = classifiers.get(c);
        if (spdx != null) {
          mapped.add(new Licence(spdx, true));
        } else if (!c.equals("License :: OSI Approved")) {
          unmapped.add(new Licence(c.substring(c.lastIndexOf(" :: ") + 4), false));
        }
      }
    }
    if (!mapped.isEmpty()) {
      return List.copyOf(mapped);
    }
    return fromField != null ? List.of(fromField) : List.copyOf(new LinkedHashSet<>(unmapped));
  }

  /** A licence name, an SPDX expression when it and every name it joins with "or"/"and" map. */
  Licence name(String name) {
    String n = name.strip();
    String single = names.get(n.toLowerCase(Locale.ROOT));
    if (single != null) {
      return new Licence(single, true);
    }
    String[] parts = n.split("(?i)\\s+(or|and)\\s+");
    if (parts.length > 1) {
      StringBuilder expression = new StringBuilder();
      java.util.regex.Matcher ops = java.util.regex.Pattern.compile("(?i)\\s+(or|and)\\s+").matcher(n);
      for (String part : parts) {
        String spdx = names.get(part.strip().toLowerCase(Locale.ROOT));
        if (spdx == null) {
          return new Licence(n, false);
        }
        expression.append(spdx);
        if (ops.find()) {
          expression.append(' ').append(ops.group(1).toUpperCase(Locale.ROOT)).append(' ');
        }
      }
      return new Licence(expression.toString(), true);
    }
    return new Licence(n, false);
  }
}

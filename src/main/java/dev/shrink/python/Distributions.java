package dev.shrink.python;

import dev.shrink.fs.RootFs;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * The installed distributions on sys.path, from their metadata directories ({@code .dist-info},
 * {@code .egg-info}): the top-level names each provides, the distributions each requires, their
 * entry points.
 */
public final class Distributions {
  /**
   * An installed distribution: its metadata directory, name and version (from its metadata, else
   * its directory's name), its core metadata, and the image paths of its files (what RECORD or
   * installed-files.txt lists; else the metadata directory and the top-level modules it provides).
   */
  public record Distribution(String metadataDir, String name, String version, Metadata metadata, List<String> files) {}

  private final RootFs fs;
  private final PythonLayout layout;
  private final ModuleFinder finder;
  private final Function<String, String> readText;
  private final Map<String, Map<String, Set<String>>> byEntry = new HashMap<>();

  /** {@code readText}: a file's text, or null when it is not a readable regular file. */
  Distributions(RootFs fs, PythonLayout layout, ModuleFinder finder, Function<String, String> readText) {
    this.fs = fs;
    this.layout = layout;
    this.finder = finder;
    this.readText = readText;
  }

  /**
   * {@code m}'s top-level name and those of the distributions that the distribution providing it
   * requires (Requires-Dist without an extra; requires.txt before its sections). Not the other
   * names of its own distribution: {@code _cffi_backend}'s messages name {@code cffi}, which it
   * never imports.
   */
  Set<String> tops(PyModule m) {
    String top = m.name().split("\\.")[0];
    Set<String> tops = new TreeSet<>(Set.of(top));
    String entry = layout.sysPath().stream().filter(e -> m.file().startsWith(e + "/"))
        .max(Comparator.comparingInt(String::length)).orElse(null);
    if (entry == null) {
      return tops;
    }
    for (Map.Entry<String, Set<String>> d : in(entry).entrySet()) {
      if (!d.getValue().contains(top)) {
        continue;
      }
      for (String dep : required(d.getKey())) {
        find(dep).ifPresent(meta -> tops.addAll(in(RootFs.parent(meta)).getOrDefault(meta, Set.of())));
      }
    }
    return tops;
  }

  /** The distribution names a metadata directory requires, extras left out. */
  List<String> required(String meta) {
    List<String> names = new ArrayList<>();
    for (String requirement : metadata(meta).all("Requires-Dist")) {
      if (!requirement.matches(".*\\bextra\\s*==.*")) {
        names.add(requirement.split("[\\s\\[;(<>=!~]", 2)[0]);
      }
    }
    String requires = readText.apply(meta + "/requires.txt");
    if (requires != null) {
      for (String line : requires.split("\n")) {
        if (line.startsWith("[")) {
          break; // extras and markers
        }
        if (!line.isBlank()) {
          names.add(line.strip().split("[\\s\\[;(<>=!~]", 2)[0]);
        }
      }
    }
    return names;
  }

  /** Metadata paths in a sys.path entry with the top-level names each provides. */
  Map<String, Set<String>> in(String entry) {
    return byEntry.computeIfAbsent(entry, this::read);
  }

  private Map<String, Set<String>> read(String entry) {
    Map<String, Set<String>> out = new LinkedHashMap<>();
    for (String n : finder.listing(entry)) {
      if (!n.endsWith(".dist-info") && !n.endsWith(".egg-info")) {
        continue;
      }
      String meta = entry + "/" + n;
      Set<String> tops = new LinkedHashSet<>();
      String topLevel = fs.isDirectory(meta) ? readText.apply(meta + "/top_level.txt") : null;
      if (topLevel != null) {
        for (String l : topLevel.split("\n")) {
          if (!l.isBlank()) {
            tops.add(l.strip().replace('/', '.').split("\\.")[0]);
          }
        }
      } else if (fs.isDirectory(meta)) {
        recorded(meta).forEach(rel -> addTop(tops, rel));
      }
      String name = normalize(name(meta));
      tops.add(name);
      out.put(meta, tops);
    }
    return out;
  }

  /**
   * The files a metadata directory records, relative to its sys.path entry and normalized (a path
   * out of the entry, a script in {@code bin}, starts with {@code ..}): RECORD's first column, or
   * an egg-info's installed-files.txt; empty when it records none (Debian's egg-info).
   */
  List<String> recorded(String meta) {
    String n = meta.substring(meta.lastIndexOf('/') + 1);
    String record = readText.apply(meta + "/RECORD");
    String installed = record == null ? readText.apply(meta + "/installed-files.txt") : null;
    List<String> out = new ArrayList<>();
    if (record != null) {
      for (String l : record.split("\n")) {
        out.add(relative(l.split(",")[0].strip()));
      }
    } else if (installed != null) {
      for (String l : installed.split("\n")) {
        out.add(relative(n + "/" + l.strip()));
      }
    }
    out.removeIf(String::isEmpty);
    return out;
  }

  /** A relative path with "." and "dir/.." taken out; leading ".." kept. */
  private static String relative(String path) {
    java.util.Deque<String> out = new java.util.ArrayDeque<>();
    for (String part : path.split("/")) {
      if (part.isEmpty() || part.equals(".")) {
        continue;
      }
      if (part.equals("..") && !out.isEmpty() && !out.peekLast().equals("..")) {
        out.pollLast();
      } else {
        out.addLast(part);
      }
    }
    return String.join("/", out);
  }

  /** The core metadata of a metadata directory (empty when it has none). */
  Metadata metadata(String meta) {
    String text = fs.isRegularFile(meta) ? readText.apply(meta)
        : readText.apply(meta + (meta.endsWith(".egg-info") ? "/PKG-INFO" : "/METADATA"));
    return Metadata.parse(text == null ? "" : text);
  }

  private static void addTop(Set<String> tops, String relPath) {
    String p = relPath.strip();
    if (p.isEmpty() || p.startsWith("..") || p.startsWith("/")) {
      return;
    }
    String first = p.split("/")[0];
    if (first.endsWith(".dist-info") || first.endsWith(".egg-info") || first.equals("__pycache__")) {
      return;
    }
    if (p.contains("/")) {
      tops.add(first);
    } else if (first.endsWith(".py") || first.endsWith(".so") || first.endsWith(".pyc")) {
      tops.add(first.substring(0, first.indexOf('.')));
    }
  }

  /**
   * The name of the distribution a file belongs to: the one whose metadata directory holds it, or
   * whose top-level names hold it, in the same sys.path entry (not the standard library's).
   */
  Optional<String> owner(String path) {
    String entry = layout.sysPath().stream().filter(e -> path.startsWith(e + "/")).max(Comparator.comparingInt(String::length)).orElse(null);
    if (entry == null || entry.equals(layout.stdlibDir()) || entry.equals(layout.platStdlibDir())) {
      return Optional.empty();
    }
    String[] parts = path.substring(entry.length() + 1).split("/");
    String first = parts[0].equals("__pycache__") && parts.length > 1 ? parts[1] : parts[0];
    for (Map.Entry<String, Set<String>> d : in(entry).entrySet()) {
      if (d.getKey().equals(entry + "/" + first)) {
        return Optional.of(name(d.getKey()));
      }
    }
    String top = parts.length > 1 && first.equals(parts[0]) ? first : first.split("\\.")[0];
    return in(entry).entrySet().stream().filter(d -> d.getValue().contains(top)).map(d -> name(d.getKey())).findFirst();
  }

  /** The distributions on a layout's sys.path, in sys.path order; a name found twice is taken where Python finds it first. */
  public static List<Distribution> installed(RootFs fs, PythonLayout layout) {
    Distributions d = new Distributions(fs, layout, new ModuleFinder(fs, layout), path -> {
      try {
        return fs.isRegularFile(path) ? new String(fs.read(path), java.nio.charset.StandardCharsets.UTF_8) : null;
      } catch (java.io.IOException e) {
        return null;
      }
    });
    Map<String, Distribution> out = new LinkedHashMap<>();
    for (String entry : layout.sysPath()) {
      d.in(entry).forEach((meta, tops) -> out.computeIfAbsent(normalize(name(meta)), k -> d.distribution(entry, meta, tops)));
    }
    return List.copyOf(out.values());
  }

  private Distribution distribution(String entry, String meta, Set<String> tops) {
    Metadata metadata = metadata(meta);
    String dirVersion = meta.substring(meta.lastIndexOf('/') + 1).replaceFirst("\\.(dist|egg)-info$", "");
    String version = metadata.first("Version") != null ? metadata.first("Version")
        : dirVersion.contains("-") ? dirVersion.split("-")[1] : null;
    String name = metadata.first("Name") != null ? metadata.first("Name") : name(meta);
    Set<String> files = new TreeSet<>();
    List<String> recorded = fs.isDirectory(meta) ? recorded(meta) : List.of();
    recorded.forEach(rel -> files.add(RootFs.normalize(entry + "/" + rel)));
    files.addAll(fs.glob(meta + "/**"));
    if (recorded.isEmpty()) {
      for (String n : finder.listing(entry)) {
        if (tops.contains(n) || tops.stream().anyMatch(t -> n.startsWith(t + "."))) {
          files.addAll(fs.glob(entry + "/" + n + "/**"));
          files.add(entry + "/" + n);
        }
      }
    }
    return new Distribution(meta, name, version, metadata, List.copyOf(files));
  }

  /** The metadata directory of the distribution {@code dist} on sys.path. */
  Optional<String> find(String dist) {
    String want = normalize(dist);
    for (String entry : layout.sysPath()) {
      for (String n : finder.listing(entry)) {
        if ((n.endsWith(".dist-info") || n.endsWith(".egg-info")) && normalize(name(n)).equals(want)) {
          return Optional.of(entry + "/" + n);
        }
      }
    }
    return Optional.empty();
  }

  /** The {@code module:attr} of an entry point in a metadata dir's entry_points.txt, or null. */
  String entryPoint(String meta, String group, String name) {
    String text = readText.apply(meta + "/entry_points.txt");
    if (text == null) {
      return null;
    }
    String section = null;
    for (String line : text.split("\n")) {
      String l = line.strip();
      if (l.startsWith("[") && l.endsWith("]")) {
        section = l.substring(1, l.length() - 1).strip();
      } else if (group.equals(section) && l.contains("=")) {
        String key = l.substring(0, l.indexOf('=')).strip();
        if (key.equals(name)) {
          return l.substring(l.indexOf('=') + 1).split("\\[")[0].strip();
        }
      }
    }
    return null;
  }

  /** The distribution name of a metadata directory ({@code Flask-3.0.dist-info}: Flask). */
  static String name(String metaPath) {
    String n = metaPath.substring(metaPath.lastIndexOf('/') + 1);
    n = n.substring(0, n.lastIndexOf('.'));
    int dash = n.indexOf('-');
    return dash < 0 ? n : n.substring(0, dash);
  }

  private static String normalize(String name) {
    return name.toLowerCase(Locale.ROOT).replaceAll("[-_.]+", "_");
  }
}

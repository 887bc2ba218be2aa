package dev.shrink.sbom;

import dev.shrink.fs.RootFs;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/**
 * The Debian packages of a root filesystem, from dpkg's database: {@code /var/lib/dpkg/status}
 * and, as distroless images have it, one stanza file per package in {@code /var/lib/dpkg/status.d/}.
 * A package's files come from {@code /var/lib/dpkg/info/PKG[:ARCH].list}, each followed through
 * the root's links to where it really is (a merged-/usr image lists {@code /lib/...} files that
 * live in {@code /usr/lib/...}); directories are left out, as every package lists {@code /usr}, and
 * so are links to directories (a merged-/usr image's {@code /bin} is a link where packages list a
 * directory).
 */
final class Dpkg {
  static final String STATUS = "/var/lib/dpkg/status";
  static final String STATUS_D = "/var/lib/dpkg/status.d";

  /** One installed package: its stanza's fields, the stanza itself, and its files (real image paths). */
  record Deb(String name, String version, String architecture, String source, String sourceVersion, String stanza, List<String> files) {}

  private Dpkg() {}

  /** The installed packages ("Status: install ok installed", or no Status as in status.d), by name. */
  static List<Deb> read(RootFs root) throws IOException {
    List<String> stanzas = new ArrayList<>();
    if (root.isRegularFile(STATUS)) {
      stanzas.addAll(stanzas(text(root, STATUS)));
    }
    for (String name : root.list(STATUS_D)) {
      String path = STATUS_D + "/" + name;
      if (!name.endsWith(".md5sums") && root.isRegularFile(path)) {
        stanzas.addAll(stanzas(text(root, path)));
      }
    }
    Map<String, Deb> out = new LinkedHashMap<>();
    Map<String, Optional<String>> dirs = new HashMap<>();
    for (String stanza : stanzas) {
      Map<String, String> f = fields(stanza);
      String status = f.get("Status");
      if (f.get("Package") == null || f.get("Version") == null || status != null && !status.endsWith(" installed")) {
        continue;
      }
      String name = f.get("Package");
      String arch = f.getOrDefault("Architecture", "all");
      String source = f.getOrDefault("Source", name);
      String sourceVersion = f.get("Version");
      int paren = source.indexOf(" (");
      if (paren > 0 && source.endsWith(")")) {
        sourceVersion = source.substring(paren + 2, source.length() - 1);
        source = source.substring(0, paren);
      }
      out.putIfAbsent(name + ":" + arch, new Deb(name, f.get("Version"), arch, source, sourceVersion, stanza, files(root, name, arch, dirs)));
    }
    return List.copyOf(out.values());
  }

  /** {@code dirs}: listed directories already followed to where they really are (most files share them). */
  private static List<String> files(RootFs root, String name, String arch, Map<String, Optional<String>> dirs) throws IOException {
    String list = "/var/lib/dpkg/info/" + name + ":" + arch + ".list";
    if (!root.isRegularFile(list)) {
      list = "/var/lib/dpkg/info/" + name + ".list";
    }
    TreeSet<String> files = new TreeSet<>();
    if (root.isRegularFile(list)) {
      for (String line : text(root, list).split("\n")) {
        String real = real(root, line.strip(), dirs);
        if (real != null && !root.isDirectory(real)) {
          files.add(real);
        }
      }
    }
    return List.copyOf(files);
  }

  /** Where a listed path is: its parent directories' links followed, not its own; null when it is not there. */
  private static String real(RootFs root, String listed, Map<String, Optional<String>> dirs) {
    if (!listed.startsWith("/") || listed.equals("/.")) {
      return null;
    }
    String path = RootFs.normalize(listed);
    return dirs.computeIfAbsent(RootFs.parent(path), d -> root.resolve(d).map(RootFs.Resolved::path))
        .map(p -> (p.equals("/") ? "" : p) + path.substring(path.lastIndexOf('/')))
        .filter(p -> exists(root, p))
        .orElse(null);
  }

  /** Whether {@code path} is there; a name this JVM cannot spell (not UTF-8 under a C locale) counts as not there. */
  private static boolean exists(RootFs root, String path) {
    try {
      return Files.exists(root.host(path), LinkOption.NOFOLLOW_LINKS);
    } catch (InvalidPathException e) {
      return false;
    }
  }

  /** The stanzas of a control file, each with its trailing newline. */
  static List<String> stanzas(String text) {
    List<String> out = new ArrayList<>();
    StringBuilder current = new StringBuilder();
    for (String line : text.split("\n", -1)) {
      if (line.isBlank()) {
        if (current.length() > 0) {
          out.add(current.toString());
          current.setLength(0);
        }
      } else {
        current.append(line).append('\n');
      }
    }
    if (current.length() > 0) {
      out.add(current.toString());
    }
    return out;
  }

  /** A stanza's fields, each value's first line (continuation lines are left out). */
  static Map<String, String> fields(String stanza) {
    Map<String, String> f = new LinkedHashMap<>();
    for (String line : stanza.split("\n")) {
      int colon = line.indexOf(':');
      if (colon > 0 && !Character.isWhitespace(line.charAt(0))) {
        f.putIfAbsent(line.substring(0, colon), line.substring(colon + 1).strip());
      }
    }
    return f;
  }

  private static String text(RootFs root, String path) throws IOException {
    return new String(root.read(path), StandardCharsets.UTF_8);
  }
}

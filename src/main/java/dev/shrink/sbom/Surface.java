package dev.shrink.sbom;

import dev.shrink.fs.RootFs;
import dev.shrink.json.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * The attack surface an image carries: shells and package managers ({@code knowledge/surface.json})
 * and setuid/setgid files, by kind, as sorted image paths.
 */
final class Surface {
  static final String SETUID = "setuidSetgid";

  record Rule(String kind, String glob, String reason) {
    Rule {
      if (kind == null || glob == null || reason == null || reason.isBlank()) {
        throw new IllegalArgumentException("a surface rule needs \"kind\", \"glob\" and \"reason\"");
      }
    }
  }

  record Document(String comment, List<Rule> rules) {}

  private final List<Rule> rules;
  private final List<PathMatcher> matchers = new ArrayList<>();

  private Surface(List<Rule> rules) {
    this.rules = rules;
    rules.forEach(r -> matchers.add(FileSystems.getDefault().getPathMatcher("glob:" + r.glob())));
  }

  static Surface load() {
    return new Surface(Json.resource("/knowledge/surface.json", Document.class).rules());
  }

  /** The kinds, in the order the report lists them. */
  List<String> kinds() {
    List<String> kinds = new ArrayList<>(rules.stream().map(Rule::kind).distinct().toList());
    kinds.add(SETUID);
    return kinds;
  }

  /**
   * Paths of each kind among {@code paths}, given each path's mode; setuid/setgid files only when
   * {@code modesTell} (an unpacked image's modes do not: shrink unpacks without those bits).
   */
  Map<String, TreeSet<String>> find(Map<String, Integer> modes, boolean modesTell) {
    Map<String, TreeSet<String>> out = new LinkedHashMap<>();
    kinds().forEach(k -> out.put(k, new TreeSet<>()));
    if (!modesTell) {
      out.remove(SETUID);
    }
    modes.forEach((path, mode) -> {
      for (int i = 0; i < rules.size(); i++) {
        if (matchers.get(i).matches(Path.of(path))) {
          out.get(rules.get(i).kind()).add(path);
        }
      }
      if (modesTell && (mode & 06000) != 0) {
        out.get(SETUID).add(path);
      }
    });
    return out;
  }

  /** Every file and link of an unpacked root with its mode (directories left out). */
  static Map<String, Integer> modes(RootFs root) {
    Map<String, Integer> out = new LinkedHashMap<>();
    try (Stream<Path> walk = Files.walk(root.dir())) {
      walk.filter(p -> !Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)).forEach(p -> {
        try {
          out.put(root.imagePath(p), (Integer) Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS) & 07777);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }
}

package dev.shrink.minify;

import dev.shrink.fs.RootFs;
import dev.shrink.layer.LayerEntry;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Splits the output's entries into layers that change at different rates, so a rebuild after an
 * app change changes (and a push uploads) only the app layer. By path, first rule that matches:
 * <ol>
 *   <li>dependencies: inside a virtual environment (a directory with a kept {@code pyvenv.cfg}), or at or below a {@code site-packages} or
 *       {@code dist-packages} directory (third-party packages);
 *   <li>app: the application directory (WORKDIR, or build's {@code --app} and {@code --copy}
 *       paths) and what is below it;
 *   <li>runtime: everything else (interpreter, standard library, system libraries, essentials).
 * </ol>
 * A hard link goes with the file it links to. Each layer repeats the directory entries above its
 * paths, with their modes, so no layer resets a directory another one made.
 */
final class LayerSplit {
  /** The layers, bottom first. */
  enum Part {
    RUNTIME("runtime: interpreter, standard library, system libraries, essentials"),
    DEPENDENCIES("dependencies: third-party packages (site-/dist-packages, virtual environments)"),
    APP("app: the application directory");

    private final String description;

    Part(String description) {
      this.description = description;
    }

    String label() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }

    String description() {
      return description;
    }
  }

  private final List<String> appDirs;

  /** @param appDirs image paths of the app's own directories and files */
  LayerSplit(Collection<String> appDirs) {
    this.appDirs = appDirs.stream().map(RootFs::normalize).filter(d -> !d.equals("/")).toList();
  }

  /** The part of a path, given the prefixes of the virtual environments kept. */
  Part of(String path, Collection<String> venvs) {
    if (venvs.stream().anyMatch(v -> under(path, v)) || path.matches(".*/(site|dist)-packages(/.*)?")) {
      return Part.DEPENDENCIES;
    }
    if (appDirs.stream().anyMatch(d -> under(path, d))) {
      return Part.APP;
    }
    return Part.RUNTIME;
  }

  /** The entries of each non-empty part, in layer order; a kept {@code pyvenv.cfg} marks a venv. */
  Map<Part, List<LayerEntry>> split(List<LayerEntry> entries) {
    Map<String, LayerEntry> byPath = new HashMap<>();
    entries.forEach(e -> byPath.put(e.path(), e));
    List<String> venvs = entries.stream().map(LayerEntry::path).filter(p -> p.endsWith("/pyvenv.cfg")).map(RootFs::parent).toList();
    Map<Part, Map<String, LayerEntry>> parts = new EnumMap<>(Part.class);
    for (LayerEntry e : entries) {
      Part part = of(e.type() == LayerEntry.Type.HARDLINK ? e.linkTarget() : e.path(), venvs);
      Map<String, LayerEntry> layer = parts.computeIfAbsent(part, p -> new LinkedHashMap<>());
      layer.put(e.path(), e);
      for (String dir = RootFs.parent(e.path()); !dir.equals("/"); dir = RootFs.parent(dir)) {
        LayerEntry parent = byPath.get(dir);
        if (parent != null && parent.type() == LayerEntry.Type.DIRECTORY) {
          layer.putIfAbsent(dir, parent);
        }
      }
    }
    Map<Part, List<LayerEntry>> out = new EnumMap<>(Part.class);
    parts.forEach((part, layer) -> out.put(part, new ArrayList<>(layer.values())));
    return out;
  }

  private static boolean under(String path, String dir) {
    return path.equals(dir) || path.startsWith(dir + "/");
  }
}

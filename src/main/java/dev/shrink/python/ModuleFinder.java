package dev.shrink.python;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.shrink.fs.RootFs;
import dev.shrink.json.Json;
import dev.shrink.python.PyModule.Kind;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Finds modules by name on a {@link PythonLayout}'s sys.path the way CPython's built-in, frozen
 * and path finders do: regular packages ({@code __init__.py}, sourceless {@code __init__.pyc}),
 * namespace packages merged across entries, {@code mod.py}, sourceless {@code mod.pyc}, and
 * extension modules with ABI tags. Zip files on sys.path are not looked into.
 */
public final class ModuleFinder {
  private static final Map<String, String> ALIASES = Map.of("os.path", "posixpath");

  private final RootFs fs;
  /** python/modules.json: built-in, frozen and foreign module names by Python version. */
  private record Modules(@JsonProperty("_comment") String comment, @JsonProperty("import_system") Names importSystem,
      Map<String, Version> versions, List<String> foreign, @JsonProperty("_comment_foreign") String commentForeign) {}

  private record Names(@JsonProperty("_comment") String comment, List<String> modules) {}

  private record Version(List<String> builtin, List<String> frozen) {}

  private static final Modules MODULES = Json.resource("/python/modules.json", Modules.class);
  /** The import system's own modules: frozen and used whatever the version and flags, so their files are never read. */
  private static final Set<String> IMPORT_SYSTEM = Set.copyOf(MODULES.importSystem().modules());

  private final List<String> sysPath;
  private final Set<String> builtin;
  private final Set<String> frozen;
  private final Set<String> foreign;
  private final Pattern taggedExtension;
  private final Map<String, Optional<PyModule>> cache = new HashMap<>();
  private final Map<String, List<String>> listings = new HashMap<>();

  public ModuleFinder(RootFs fs, PythonLayout layout) {
    this.fs = fs;
    this.sysPath = layout.sysPath();
    Map<String, Version> versions = MODULES.versions();
    Version data = versions.get(layout.version());
    if (data == null) { // nearest known version
      String best = null;
      for (String v : versions.keySet()) {
        if (best == null || Math.abs(minor(v) - minor(layout.version())) < Math.abs(minor(best) - minor(layout.version()))) {
          best = v;
        }
      }
      data = versions.get(best);
    }
    this.builtin = Set.copyOf(data.builtin());
    this.frozen = Set.copyOf(data.frozen());
    this.foreign = Set.copyOf(MODULES.foreign());
    this.taggedExtension = Pattern.compile("\\.cpython-" + layout.versionNoDot() + "[a-z]*(-[A-Za-z0-9_]+)*\\.so");
  }

  /** The module {@code name} (absolute, dotted), or empty when the import would fail. */
  public Optional<PyModule> find(String name) {
    Optional<PyModule> hit = cache.get(name);
    if (hit == null) {
      hit = lookup(name);
      cache.put(name, hit);
    }
    return hit;
  }

  /**
   * True for modules that only exist on other platforms (nt, _winapi, msvcrt, winreg, Jython's
   * java, ...) and for {@code __main__}, which is always there: imports of them need nothing.
   */
  public boolean isForeignOrMain(String name) {
    String top = name.split("\\.")[0];
    return name.equals("__main__") || foreign.contains(top) || foreign.contains(name)
        || (name.contains(".") && foreign.contains(name.substring(0, name.lastIndexOf('.'))));
  }

  /** True for the import system's own modules (importlib._bootstrap, zipimport, ...), frozen even with frozen modules off. */
  public static boolean isImportSystem(String name) {
    return IMPORT_SYSTEM.contains(name);
  }

  /** True when {@code name} is compiled into this interpreter version (by the recorded list). */
  public boolean isBuiltin(String name) {
    return builtin.contains(name);
  }

  private Optional<PyModule> lookup(String name) {
    String alias = ALIASES.get(name);
    if (alias != null && !frozen.contains(name)) {
      return find(alias).map(m -> new PyModule(name, m.kind(), m.file(), false, List.of()));
    }
    int dot = name.lastIndexOf('.');
    String shortName = name.substring(dot + 1);
    List<String> locations;
    if (dot < 0) {
      if (builtin.contains(name)) {
        Optional<PyModule> onPath = onPath(name, shortName, sysPath).filter(m -> m.kind() == Kind.EXTENSION);
        return Optional.of(onPath.orElse(new PyModule(name, Kind.BUILTIN, null, false, List.of())));
      }
      locations = sysPath;
    } else {
      Optional<PyModule> parent = find(name.substring(0, dot));
      locations = parent.map(PyModule::locations).orElse(List.of());
      if (parent.isEmpty() && !frozen.contains(name)) {
        return Optional.empty();
      }
    }
    Optional<PyModule> found = onPath(name, shortName, locations);
    if (frozen.contains(name) || IMPORT_SYSTEM.contains(name)) {
      return Optional.of(new PyModule(name, Kind.FROZEN, found.map(PyModule::file).orElse(null),
          found.map(PyModule::isPackage).orElse(false), found.map(PyModule::locations).orElse(List.of())));
    }
    return found;
  }

  /** FileFinder over {@code locations}: package dir, then module files, else namespace portions. */
  private Optional<PyModule> onPath(String name, String shortName, List<String> locations) {
    List<String> portions = new ArrayList<>();
    for (String entry : locations) {
      List<String> names = listing(entry);
      if (names.isEmpty()) {
        continue;
      }
      boolean dirHere = false;
      if (names.contains(shortName)) {
        String dir = entry + "/" + shortName;
        if (fs.isDirectory(dir)) {
          dirHere = true;
          Optional<String> init = moduleFile(dir, "__init__");
          if (init.isPresent()) {
            return Optional.of(new PyModule(name, kindOf(init.get()), init.get(), true, List.of(dir)));
          }
        }
      }
      Optional<String> file = moduleFile(entry, shortName);
      if (file.isPresent()) {
        return Optional.of(new PyModule(name, kindOf(file.get()), file.get(), false, List.of()));
      }
      if (dirHere) {
        portions.add(entry + "/" + shortName);
      }
    }
    if (!portions.isEmpty()) {
      return Optional.of(new PyModule(name, Kind.NAMESPACE, null, true, portions));
    }
    return Optional.empty();
  }

  /** The file for module {@code stem} in {@code dir}, in the import system's suffix order. */
  private Optional<String> moduleFile(String dir, String stem) {
    List<String> names = listing(dir);
    String plainSo = null;
    String abi3 = null;
    for (String n : names) {
      if (!n.startsWith(stem + ".")) {
        continue;
      }
      String suffix = n.substring(stem.length());
      if (taggedExtension.matcher(suffix).matches() && fs.isRegularFile(dir + "/" + n)) {
        return Optional.of(dir + "/" + n);
      }
      if (suffix.equals(".abi3.so")) {
        abi3 = n;
      } else if (suffix.equals(".so")) {
        plainSo = n;
      }
    }
    for (String n : new String[] {abi3, plainSo, stem + ".py", stem + ".pyc"}) {
      if (n != null && names.contains(n) && fs.isRegularFile(dir + "/" + n)) {
        return Optional.of(dir + "/" + n);
      }
    }
    return Optional.empty();
  }

  private static Kind kindOf(String file) {
    if (file.endsWith(".py")) {
      return Kind.SOURCE;
    }
    return file.endsWith(".pyc") ? Kind.BYTECODE : Kind.EXTENSION;
  }

  /** Names in a directory, cached; empty for files and missing paths. */
  List<String> listing(String dir) {
    return listings.computeIfAbsent(dir, fs::list);
  }

  private static int minor(String version) {
    return Integer.parseInt(version.substring(version.indexOf('.') + 1));
  }
}

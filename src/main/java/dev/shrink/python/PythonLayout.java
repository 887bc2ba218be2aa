package dev.shrink.python;

import dev.shrink.fs.RootFs;
import dev.shrink.fs.SystemPaths;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where an interpreter inside an image finds its modules, computed statically the way CPython's
 * {@code getpath} and {@code site} do it: prefix search from the executable, {@code pyvenv.cfg},
 * PYTHONHOME, PYTHONPATH, the zip, stdlib and lib-dynload entries, user and global site
 * directories (Debian's dist-packages when the image's site.py is Debian's), {@code .pth} files,
 * and sys.path[0] for the launch. Command-line flags (-I, -E, -S, -s) are not modelled.
 */
public final class PythonLayout {
  private static final Pattern VERSIONED = Pattern.compile("python(\\d+)\\.(\\d+)[a-z]*");

  /** A {@code .pth} file site.py read: the directories it added and its {@code import} lines (not run). */
  public record PthFile(String path, List<String> addedPaths, List<PthImport> imports) {}

  /** An {@code import} line of a {@code .pth} file, which site.py would execute at start-up. */
  public record PthImport(String pth, int line, String code) {}

  private final String version;
  private final String executable;
  private final String realExecutable;
  private final String prefix;
  private final String execPrefix;
  private final String venvPrefix;
  private final String pyvenvCfg;
  private final String stdlibDir;
  private final String stdlibZip;
  private final String platStdlibDir;
  private final boolean debianSite;
  private final List<String> siteDirs;
  private final List<PthFile> pthFiles;
  /** The .pth files and the paths their import lines' modules start with beside them (see {@link #startupHook}). */
  private final List<String> hookPaths;
  private final List<String> hookPrefixes;
  private final List<String> sysPath;
  private final Launch launch;
  private final Map<String, String> env;

  private PythonLayout(Builder b) {
    this.version = b.version;
    this.executable = b.executable;
    this.realExecutable = b.realExecutable;
    this.prefix = b.prefix;
    this.execPrefix = b.execPrefix;
    this.venvPrefix = b.venvPrefix;
    this.pyvenvCfg = b.pyvenvCfg;
    this.stdlibDir = b.stdlibDir;
    this.stdlibZip = b.stdlibZip;
    this.platStdlibDir = b.platStdlibDir;
    this.debianSite = b.debianSite;
    this.siteDirs = List.copyOf(b.siteDirs);
    this.pthFiles = List.copyOf(b.pthFiles);
    List<String> paths = new ArrayList<>();
    List<String> prefixes = new ArrayList<>();
    for (PthFile pth : pthFiles) {
      paths.add(pth.path());
      String dir = RootFs.parent(pth.path());
      for (PthImport imp : pth.imports()) {
        for (ImportRef ref : ImportScanner.scan(imp.code())) {
          String name = ref.module().split("\\.")[0];
          paths.add(dir + "/" + name);
          prefixes.addAll(List.of(dir + "/" + name + "/", dir + "/" + name + ".", dir + "/__pycache__/" + name + "."));
        }
      }
    }
    this.hookPaths = List.copyOf(paths);
    this.hookPrefixes = List.copyOf(prefixes);
    this.sysPath = List.copyOf(b.sysPath);
    this.launch = b.launch;
    this.env = Map.copyOf(b.env);
  }

  /**
   * Computes the layout.
   *
   * @param fs the image's root
   * @param interpreter how the image starts Python: an image path ({@code /usr/bin/python3}) or a
   *     bare name looked up on the image's PATH
   * @param env the image's environment (PATH, PYTHONPATH, PYTHONHOME, HOME, ...)
   * @param launch the script, module or code run, and the working directory
   * @throws IllegalArgumentException when the interpreter is missing or its version can't be told
   */
  public static PythonLayout compute(RootFs fs, String interpreter, Map<String, String> env, Launch launch) {
    return new Builder(fs, env, launch).build(interpreter);
  }

  /** "3.11". */
  public String version() {
    return version;
  }

  /** "311", as in {@code cpython-311}. */
  public String versionNoDot() {
    return version.replace(".", "");
  }

  /** The interpreter's image path as invoked (after a PATH search), i.e. sys.executable. */
  public String executable() {
    return executable;
  }

  /** The executable with every link followed. */
  public String realExecutable() {
    return realExecutable;
  }

  /** sys.base_prefix: where the standard library was found. */
  public String prefix() {
    return prefix;
  }

  /** sys.base_exec_prefix. */
  public String execPrefix() {
    return execPrefix;
  }

  /** The virtual environment's directory when a {@code pyvenv.cfg} was found. */
  public Optional<String> venvPrefix() {
    return Optional.ofNullable(venvPrefix);
  }

  /** The {@code pyvenv.cfg} file that was read, if any. */
  public Optional<String> pyvenvCfg() {
    return Optional.ofNullable(pyvenvCfg);
  }

  /** {@code PREFIX/lib/pythonX.Y}. */
  public String stdlibDir() {
    return stdlibDir;
  }

  /** {@code PREFIX/lib/pythonXY.zip}, on sys.path before {@link #stdlibDir()} (it may not exist). */
  public String stdlibZip() {
    return stdlibZip;
  }

  /** {@code EXEC_PREFIX/lib/pythonX.Y/lib-dynload}. */
  public String platStdlibDir() {
    return platStdlibDir;
  }

  /** True when the image's site.py is Debian's (dist-packages), false for upstream's site-packages. */
  public boolean debianSite() {
    return debianSite;
  }

  /** Site directories site.py added (user, venv and global), in sys.path order. */
  public List<String> siteDirs() {
    return siteDirs;
  }

  /** Every {@code .pth} file site.py reads, in the order it reads them. */
  public List<PthFile> pthFiles() {
    return pthFiles;
  }

  /**
   * Whether a path belongs to site.py's start-up hooks, which site.py runs for every program and
   * the program itself does not use: a {@code .pth} file, or a module that a {@code .pth} file's
   * import lines load from beside it (its package directory, its {@code .py}, {@code .pyc} or
   * extension module, its cached bytecode). Debian's {@code distutils-precedence.pth} loads
   * setuptools' {@code _distutils_hack} this way.
   */
  public boolean startupHook(String path) {
    return hookPaths.contains(path) || hookPrefixes.stream().anyMatch(path::startsWith);
  }

  /**
   * sys.path in order. Entries may not exist (like {@code pythonXY.zip}). sys.path[0] is the
   * script's real directory or, for -m and -c, the working directory (Python shows -c's as "").
   */
  public List<String> sysPath() {
    return sysPath;
  }

  public Launch launch() {
    return launch;
  }

  public Map<String, String> env() {
    return env;
  }

  private static final class Builder {
    final RootFs fs;
    final Map<String, String> env;
    final Launch launch;
    final String platlibdir;
    String version;
    String executable;
    String realExecutable;
    String prefix;
    String execPrefix;
    String venvPrefix;
    String pyvenvCfg;
    String stdlibDir;
    String stdlibZip;
    String platStdlibDir;
    boolean debianSite;
    final List<String> siteDirs = new ArrayList<>();
    final List<PthFile> pthFiles = new ArrayList<>();
    final List<String> sysPath = new ArrayList<>();
    final Set<String> known = new LinkedHashSet<>();

    Builder(RootFs fs, Map<String, String> env, Launch launch) {
      this.fs = fs;
      this.env = env;
      this.launch = launch;
      String pld = env.get("PYTHONPLATLIBDIR");
      this.platlibdir = pld == null || pld.isEmpty() ? "lib" : pld;
    }

    PythonLayout build(String interpreter) {
      executable = findExecutable(interpreter);
      realExecutable = fs.resolve(executable).orElseThrow().path();
      String home = nonEmpty(env.get("PYTHONHOME"));
      Map<String, String> cfg = home == null ? venvCfg() : null;
      String searchDir = RootFs.parent(realExecutable);
      if (cfg != null && cfg.containsKey("home")) {
        searchDir = RootFs.normalize(cfg.get("home"));
      }
      version = detectVersion(cfg, searchDir);

      String stdlibSub = platlibdir + "/python" + version;
      String zipLandmark = platlibdir + "/python" + version.replace(".", "") + ".zip";
      if (home != null) {
        int colon = home.indexOf(':');
        prefix = RootFs.normalize(colon < 0 ? home : home.substring(0, colon));
        execPrefix = RootFs.normalize(colon < 0 ? home : home.substring(colon + 1));
      } else {
        searchPrefixes(searchDir, stdlibSub, zipLandmark);
      }
      stdlibDir = join(prefix, stdlibSub);
      platStdlibDir = join(execPrefix, stdlibSub + "/lib-dynload");

      String pythonPath = nonEmpty(env.get("PYTHONPATH"));
      if (pythonPath != null) {
        for (String p : pythonPath.split(":", -1)) {
          addKnown(absolute(p));
        }
      }
      stdlibZip = join(prefix, zipLandmark);
      addKnown(stdlibZip);
      addKnown(stdlibDir);
      addKnown(platStdlibDir);

      debianSite = isDebianSite();
      site();

      if (nonEmpty(env.get("PYTHONSAFEPATH")) == null) {
        sysPath.add(0, pathZero());
      }
      return new PythonLayout(this);
    }

    /** pyvenv.cfg: one level above the executable's directory, then beside it (not followed links); null if none. */
    private Map<String, String> venvCfg() {
      String exeDir = RootFs.parent(executable);
      for (String dir : List.of(RootFs.parent(exeDir), exeDir)) {
        String file = join(dir, "pyvenv.cfg");
        if (fs.isRegularFile(file)) {
          Map<String, String> cfg = readCfg(file);
          pyvenvCfg = file;
          venvPrefix = dir;
          return cfg;
        }
      }
      return null;
    }

    /** prefix and exec_prefix found by their landmarks from the executable's directory up, as getpath does. */
    private void searchPrefixes(String searchDir, String stdlibSub, String zipLandmark) {
      prefix = searchUp(searchDir, false, zipLandmark);
      if (prefix == null) {
        prefix = searchUp(searchDir, false, stdlibSub + "/os.py", stdlibSub + "/os.pyc");
      }
      if (prefix == null) {
        prefix = RootFs.parent(searchDir); // the compiled-in PREFIX is unknown; bin/.. is the usual one
      }
      execPrefix = searchUp(searchDir, true, stdlibSub + "/lib-dynload");
      if (execPrefix == null) {
        execPrefix = prefix;
      }
    }

    /** sys.path[0]: the script's real directory, or the working directory for -m and -c. */
    private String pathZero() {
      return switch (launch.mode()) {
        case SCRIPT -> RootFs.parent(fs.resolve(launch.scriptPath()).map(RootFs.Resolved::path)
            .orElse(launch.scriptPath()));
        case MODULE, CODE -> fs.resolve(launch.workdir()).map(RootFs.Resolved::path).orElse(launch.workdir());
      };
    }

    private String findExecutable(String interpreter) {
      if (interpreter.contains("/")) {
        String p = interpreter.startsWith("/") ? RootFs.normalize(interpreter)
            : RootFs.normalize(launch.workdir() + "/" + interpreter);
        if (!fs.isRegularFile(p)) {
          throw new IllegalArgumentException("no interpreter at " + p);
        }
        return p;
      }
      String path = env.getOrDefault("PATH", SystemPaths.DEFAULT_PATH);
      for (String dir : path.split(":")) {
        if (dir.isEmpty()) {
          continue;
        }
        String p = join(absolute(dir), interpreter);
        if (fs.isRegularFile(p)) {
          return p;
        }
      }
      throw new IllegalArgumentException(interpreter + " is not on the image's PATH " + path);
    }

    private String detectVersion(Map<String, String> cfg, String searchDir) {
      for (String name : List.of(base(realExecutable), base(executable))) {
        Matcher m = VERSIONED.matcher(name);
        if (m.matches()) {
          return m.group(1) + "." + m.group(2);
        }
      }
      if (cfg != null) {
        for (String key : List.of("version", "version_info")) {
          String v = cfg.get(key);
          if (v != null) {
            Matcher m = Pattern.compile("(\\d+)\\.(\\d+)").matcher(v);
            if (m.lookingAt()) {
              return m.group(1) + "." + m.group(2);
            }
          }
        }
      }
      // Landmark: the highest lib/pythonX.Y holding os.py or os.pyc above the executable
      for (String dir = searchDir; ; dir = RootFs.parent(dir)) {
        String lib = join(dir, platlibdir);
        Optional<String> best = fs.list(lib).stream()
            .filter(n -> VERSIONED.matcher(n).matches())
            .filter(n -> fs.isRegularFile(lib + "/" + n + "/os.py") || fs.isRegularFile(lib + "/" + n + "/os.pyc"))
            .max(Comparator.comparingInt(n -> {
              Matcher m = VERSIONED.matcher(n);
              m.matches();
              return Integer.parseInt(m.group(1)) * 1000 + Integer.parseInt(m.group(2));
            }));
        if (best.isPresent()) {
          return best.get().substring("python".length());
        }
        if (dir.equals("/")) {
          break;
        }
      }
      throw new IllegalArgumentException("cannot tell the Python version of " + executable);
    }

    /** getpath's search_up: the first directory from {@code dir} upwards holding a landmark. */
    private String searchUp(String dir, boolean directory, String... landmarks) {
      for (String d = dir; ; d = RootFs.parent(d)) {
        for (String l : landmarks) {
          String p = join(d, l);
          if (directory ? fs.isDirectory(p) : fs.isRegularFile(p)) {
            return d;
          }
        }
        if (d.equals("/")) {
          return null;
        }
      }
    }

    private boolean isDebianSite() {
      try {
        String site = new String(fs.read(join(stdlibDir, "site.py")), StandardCharsets.UTF_8);
        return site.contains("\"dist-packages\"");
      } catch (IOException | RuntimeException e) {
        return prefix.equals("/usr") && fs.isDirectory("/usr/lib/python3/dist-packages");
      }
    }

    /** What site.main() adds: venv, user site, global site directories and their .pth files. */
    private void site() {
      List<String> prefixes = new ArrayList<>(List.of(prefix, execPrefix));
      boolean userSite = nonEmpty(env.get("PYTHONNOUSERSITE")) == null;
      boolean inVenv = false;
      // site.venv() looks beside the executable first, then one level up
      String exeDir = RootFs.parent(executable);
      for (String file : List.of(join(exeDir, "pyvenv.cfg"), join(RootFs.parent(exeDir), "pyvenv.cfg"))) {
        if (fs.isRegularFile(file)) {
          Map<String, String> cfg = readCfg(file);
          String sitePrefix = RootFs.parent(exeDir);
          inVenv = true;
          addSitePackages(List.of(sitePrefix), true);
          if ("true".equals(cfg.getOrDefault("include-system-site-packages", "true").toLowerCase(java.util.Locale.ROOT))) {
            prefixes.add(0, sitePrefix);
          } else {
            prefixes = List.of(sitePrefix);
            userSite = false;
          }
          break;
        }
      }
      if (userSite) {
        String userBase = nonEmpty(env.get("PYTHONUSERBASE"));
        if (userBase == null && nonEmpty(env.get("HOME")) != null) {
          userBase = join(env.get("HOME"), ".local");
        }
        if (userBase != null) {
          String dir = join(absolute(userBase), "lib/python" + version + "/site-packages");
          if (fs.isDirectory(dir)) {
            addSiteDir(dir);
          }
        }
      }
      addSitePackages(prefixes, inVenv);
    }

    private void addSitePackages(List<String> prefixes, boolean inVenv) {
      Set<String> seen = new LinkedHashSet<>();
      for (String p : prefixes) {
        if (p == null || p.isEmpty() || !seen.add(p)) {
          continue;
        }
        List<String> libdirs = platlibdir.equals("lib") ? List.of("lib") : List.of(platlibdir, "lib");
        List<String> dirs = new ArrayList<>();
        if (debianSite) {
          if (inVenv) {
            dirs.add(join(p, "lib/python" + version + "/site-packages"));
          }
          dirs.add(join(p, "local/lib/python" + version + "/dist-packages"));
          dirs.add(join(p, "lib/python3/dist-packages"));
          for (String l : libdirs) {
            dirs.add(join(p, l + "/python" + version + "/dist-packages"));
          }
        } else {
          for (String l : libdirs) {
            dirs.add(join(p, l + "/python" + version + "/site-packages"));
          }
        }
        for (String d : dirs) {
          if (fs.isDirectory(d)) {
            addSiteDir(d);
          }
        }
      }
    }

    private void addSiteDir(String dir) {
      if (addKnown(dir)) {
        siteDirs.add(dir);
      } else if (!siteDirs.contains(dir)) {
        siteDirs.add(dir);
      }
      for (String name : fs.list(dir)) {
        if (!name.endsWith(".pth") || name.startsWith(".")) {
          continue;
        }
        String pth = join(dir, name);
        List<String> added = new ArrayList<>();
        List<PthImport> imports = new ArrayList<>();
        String text;
        try {
          text = new String(fs.read(pth), StandardCharsets.UTF_8);
        } catch (IOException | RuntimeException e) {
          continue;
        }
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
          String line = lines[i];
          if (line.startsWith("#") || line.strip().isEmpty()) {
            continue;
          }
          if (line.startsWith("import ") || line.startsWith("import\t")) {
            imports.add(new PthImport(pth, i + 1, line.strip()));
            continue;
          }
          String entry = line.stripTrailing();
          String p = entry.startsWith("/") ? RootFs.normalize(entry) : RootFs.normalize(dir + "/" + entry);
          if (!known.contains(p) && fs.resolve(p).isPresent()) {
            addKnown(p);
            added.add(p);
          }
        }
        pthFiles.add(new PthFile(pth, added, imports));
      }
    }

    private boolean addKnown(String p) {
      String n = RootFs.normalize(p);
      if (known.add(n)) {
        sysPath.add(n);
        return true;
      }
      return false;
    }

    private Map<String, String> readCfg(String file) {
      Map<String, String> cfg = new java.util.HashMap<>();
      try {
        for (String line : new String(fs.read(file), StandardCharsets.UTF_8).split("\n")) {
          int eq = line.indexOf('=');
          if (eq > 0) {
            cfg.putIfAbsent(line.substring(0, eq).strip().toLowerCase(java.util.Locale.ROOT), line.substring(eq + 1).strip());
          }
        }
      } catch (IOException e) {
        // unreadable: as if empty
      }
      return cfg;
    }

    private String absolute(String p) {
      return p.startsWith("/") ? RootFs.normalize(p) : RootFs.normalize(launch.workdir() + "/" + p);
    }
  }

  static String join(String dir, String rel) {
    return RootFs.normalize(dir + "/" + rel);
  }

  private static String base(String path) {
    return path.substring(path.lastIndexOf('/') + 1);
  }

  private static String nonEmpty(String s) {
    return s == null || s.isEmpty() ? null : s;
  }
}

package dev.shrink.python;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.shrink.closure.Analyser;
import dev.shrink.closure.Requirement;
import dev.shrink.elf.ElfData;
import dev.shrink.fs.RootFs;
import dev.shrink.json.Json;
import dev.shrink.python.PyModule.Kind;
import dev.shrink.python.PyTokenizer.Token;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * The files a Python program needs, found statically: from the launch's main code (script,
 * {@code -m} module, {@code -c} code or console script) and the interpreter's start-up modules,
 * imports are followed transitively on the layout's sys.path; then package data files, the
 * distribution metadata of every top-level package used, the {@code .pth} files and
 * {@code pyvenv.cfg} that shape sys.path, and what {@link Knowledge} adds. Extension modules are
 * reported as files; their shared-library dependencies are someone else's job.
 */
public final class PythonClosure {
  /** An import that would fail, with where it is written. */
  public record Missing(String module, String importer, int line, String statement) {}

  /**
   * What the analysis found.
   *
   * @param requirements the files (and symlinks on their way) to keep, each with its first reason
   * @param missing non-optional imports that cannot be found
   * @param modules names of the modules in the closure, sorted
   * @param notes things a person should know (sourceless modules not scanned, .pth import lines not run)
   */
  public record Result(List<Requirement> requirements, List<Missing> missing, List<String> modules, List<String> notes) {}

  /** An entry of {@code python/startup.json}: a module every interpreter imports while starting. */
  record StartupModule(String module, boolean optional, String reason) {
    StartupModule {
      if (module == null || reason == null || reason.isBlank()) {
        throw new IllegalArgumentException("a start-up module needs a module and a reason");
      }
    }
  }

  private record Startup(@JsonProperty("_comment") String comment, List<StartupModule> modules) {}

  private static final List<StartupModule> STARTUP = List.copyOf(Json.resource("/python/startup.json", Startup.class).modules());
  /** Functions and methods whose first argument is a codec name. */
  private static final Set<String> CODEC_CALLS = Set.of("encode", "decode", "lookup", "getencoder", "getdecoder",
      "getincrementalencoder", "getincrementaldecoder", "getreader", "getwriter");
  /** {@code a.b}, {@code a.b.C}, {@code a.b:c}: a dotted name of two parts or more, or one with {@code :attribute}. */
  private static final Pattern DOTTED = Pattern.compile("[A-Za-z_]\\w*(\\.[A-Za-z_]\\w*)+(:[A-Za-z_][\\w.]*)?");

  private final RootFs fs;
  private final PythonLayout layout;
  private final ModuleFinder finder;
  private final Knowledge knowledge;
  private final Map<String, Requirement> requirements = new LinkedHashMap<>();
  private final Map<String, PyModule> included = new LinkedHashMap<>();
  private final Set<String> knowledgeApplied = new HashSet<>();
  private final Deque<PyModule> toScan = new ArrayDeque<>();
  private final List<Missing> missing = new ArrayList<>();
  private final Set<String> missingSeen = new HashSet<>();
  private final List<String> notes = new ArrayList<>();
  private final Set<String> ignoredSeen = new HashSet<>();
  private final LazyImports lazy = new LazyImports(this::readBytes);
  private final Distributions distributions;
  private final Codecs codecs;
  private final PackageData packageData;
  private String mainModule = "__main__";

  private PythonClosure(RootFs fs, PythonLayout layout, Knowledge knowledge) {
    this.fs = fs;
    this.layout = layout;
    this.finder = new ModuleFinder(fs, layout);
    this.knowledge = knowledge;
    this.distributions = new Distributions(fs, layout, finder, this::readText);
    this.codecs = new Codecs(finder, this::readText);
    this.packageData = new PackageData(fs, finder, knowledge);
  }

  /**
   * Analyses the program {@code layout.launch()} starts.
   *
   * @param extraModules modules the program loads by a name given elsewhere (e.g. the WSGI app
   *     module on gunicorn's command line)
   */
  public static Result analyse(RootFs fs, PythonLayout layout, Knowledge knowledge, Collection<String> extraModules) {
    return analyse(fs, layout, knowledge, extraModules, Map.of());
  }

  /**
   * Like {@link #analyse(RootFs, PythonLayout, Knowledge, Collection)}, with modules seen loaded
   * elsewhere (a traced run): each is required after the static closure is complete, so a module
   * that static analysis does not reach is kept with the analyser and reason of its seed.
   */
  public static Result analyse(RootFs fs, PythonLayout layout, Knowledge knowledge, Collection<String> extraModules,
      Map<String, Requirement> seen) {
    PythonClosure c = new PythonClosure(fs, layout, knowledge);
    c.run(extraModules, seen);
    List<String> modules = new ArrayList<>(new TreeSet<>(c.included.keySet()));
    return new Result(List.copyOf(c.requirements.values()), List.copyOf(c.missing), modules, List.copyOf(c.notes));
  }

  /** Why something is needed: the statement (or other cause), where it is, and the file that asked ({@link Requirement#from()}). */
  private record Origin(Analyser analyser, String what, String file, int line, String from) {
    /** A cause in {@code file} (null: none), which is the file that asked. */
    Origin(Analyser analyser, String what, String file, int line) {
      this(analyser, what, file, line, file);
    }

    String reason() {
      return file == null ? what : what + " (" + file + (line > 0 ? ":" + line : "") + ")";
    }
  }

  private void run(Collection<String> extraModules, Map<String, Requirement> seen) {
    addFile(layout.executable(), new Origin(Analyser.PYTHON, "interpreter", null, 0));
    lazy.opaque(layout.realExecutable());
    for (String lib : fs.list(layout.execPrefix() + "/lib")) {
      if (lib.startsWith("libpython") && lib.contains(".so")) {
        lazy.opaque(layout.execPrefix() + "/lib/" + lib); // a shared build's C code (python.org style)
      }
    }
    layout.pyvenvCfg().ifPresent(cfg -> addFile(cfg, new Origin(Analyser.PYTHON, "venv configuration read by getpath and site", null, 0)));
    if (fs.isDirectory(layout.platStdlibDir())) {
      addFile(layout.platStdlibDir(), new Origin(Analyser.PYTHON,
          "directory landmark getpath searches for exec_prefix (keep the directory)", null, 0));
    }
    startup();
    mainCode();
    for (String m : extraModules) {
      require(m, new Origin(Analyser.PYTHON, "import " + m + " (named on the command line)", null, 0), false);
    }
    drain();
    seen.forEach((m, by) -> require(m, new Origin(by.analyser(), by.reason(), null, 0, by.from()), true));
    drain();
    pthFiles();
    drain();
    for (PyModule m : new ArrayList<>(included.values())) {
      packageData(m);
    }
    metadata();
    for (LazyImports.Pending p : lazy.pending()) {
      notes.add("not followed: " + p.ref().describe() + " (" + p.file() + ":" + p.ref().line() + "): "
          + p.importer().name() + ".__getattr__ runs it only for " + String.join(", ", p.ref().attributes())
          + ", which no kept code names");
    }
  }

  /** Scans what is queued, then the lazy imports that became due, until neither is left. */
  private void drain() {
    do {
      while (!toScan.isEmpty()) {
        scanModule(toScan.pollFirst());
      }
      for (LazyImports.Pending p : lazy.due()) {
        importRef(p.importer(), p.file(), p.ref());
      }
    } while (!toScan.isEmpty());
  }

  // ---------------------------------------------------------------------------------------------
  // entry points

  private void startup() {
    for (StartupModule m : STARTUP) {
      require(m.module(), new Origin(Analyser.PYTHON, "interpreter start-up: " + m.reason(), null, 0), m.optional());
    }
    if (layout.launch().mode() == Launch.Mode.MODULE) {
      require("runpy", new Origin(Analyser.PYTHON, "runpy runs -m " + layout.launch().target(), null, 0), false);
    }
    String codec = codecs.forLocale(layout.env());
    if (codec != null) {
      require("encodings." + codec, new Origin(Analyser.PYTHON, "codec of the image's locale (LANG/LC_ALL/LC_CTYPE)", null, 0), true);
    }
    String io = layout.env().get("PYTHONIOENCODING");
    if (io != null && !io.isBlank()) {
      String c = codecs.module(io.split(":")[0]);
      if (c != null) {
        require("encodings." + c, new Origin(Analyser.PYTHON, "codec of PYTHONIOENCODING", null, 0), true);
      }
    }
  }

  private void mainCode() {
    Launch launch = layout.launch();
    switch (launch.mode()) {
      case SCRIPT -> {
        String script = launch.scriptPath();
        if (!fs.isRegularFile(script)) {
          missing.add(new Missing("__main__", script, 0, "script not found"));
          return;
        }
        addFile(script, new Origin(Analyser.PYTHON, "main script", null, 0));
        String source = readText(script);
        PyModule main = new PyModule("__main__", Kind.SOURCE, script, false, List.of());
        List<Token> tokens = PyTokenizer.tokenize(source);
        scanSource(main, script, tokens);
        entryPointCalls(script, tokens);
      }
      case MODULE -> {
        mainModule = launch.target();
        Origin o = new Origin(Analyser.PYTHON, "python -m " + launch.target(), null, 0);
        Optional<PyModule> m = require(launch.target(), o, false);
        if (m.isPresent() && m.get().isPackage()) {
          require(launch.target() + ".__main__", o, false);
        }
      }
      case CODE -> scanSource(new PyModule("__main__", Kind.SOURCE, null, false, List.of()), "-c", PyTokenizer.tokenize(launch.target()));
    }
  }

  /** {@code load_entry_point('dist==1.0', 'console_scripts', 'name')} in setuptools' console scripts. */
  private void entryPointCalls(String script, List<Token> t) {
    for (int i = 0; i + 7 < t.size(); i++) {
      if (!t.get(i).is("load_entry_point") || !t.get(i + 1).is("(") || (i > 0 && t.get(i - 1).is("def"))) {
        continue;
      }
      String spec = t.get(i + 2).stringValue();
      String group = t.get(i + 4).stringValue();
      String name = t.get(i + 6).stringValue();
      if (spec == null || group == null || name == null || !t.get(i + 3).is(",") || !t.get(i + 5).is(",")) {
        continue;
      }
      String dist = spec.split("[=<>!~\\[;\\s]", 2)[0];
      Origin where = new Origin(Analyser.PYTHON, "entry point " + group + "/" + name + " of " + dist, script, t.get(i).line());
      Optional<String> meta = distributions.find(dist);
      if (meta.isEmpty()) {
        missing.add(new Missing(dist + " (distribution)", script, t.get(i).line(), "load_entry_point('" + spec + "')"));
        continue;
      }
      addTree(meta.get(), new Origin(Analyser.PYTHON, "metadata of " + dist + " (load_entry_point)", null, 0));
      String target = distributions.entryPoint(meta.get(), group, name);
      if (target == null) {
        missing.add(new Missing(dist + ":" + group + "/" + name, script, t.get(i).line(), "entry point not declared"));
      } else {
        String[] moduleAttr = target.split(":", 2);
        if (moduleAttr.length == 2) {
          lazy.mentioned("entry point " + target, Set.of(moduleAttr[1].strip().split("\\.")));
        }
        require(moduleAttr[0].strip(), where, false);
      }
    }
  }

  // ---------------------------------------------------------------------------------------------
  // imports

  private void scanModule(PyModule m) {
    String file = m.kind() == Kind.EXTENSION ? compiledFrom(m) : m.file();
    String source = readText(file);
    if (source != null) {
      scanSource(m, file, PyTokenizer.tokenize(source));
    }
    if (m.kind() == Kind.EXTENSION && file == null) {
      compiledNames(m);
    }
  }

  /**
   * The modules an extension outside the standard library names in its constant data
   * ({@link CompiledNames}); those of the standard library's extensions are knowledge
   * ({@code stdlib-extensions.json}), and one compiled from a source beside it imports what its
   * source does.
   */
  private void compiledNames(PyModule m) {
    String dir = RootFs.parent(m.file());
    Optional<RootFs.Resolved> real = fs.resolve(m.file());
    if (dir.equals(layout.stdlibDir()) || dir.equals(layout.platStdlibDir()) || real.isEmpty()) {
      return;
    }
    ElfData data;
    try {
      data = ElfData.read(fs.host(real.get().path()));
    } catch (IOException e) {
      notes.add("extension module " + m.name() + " (" + m.file() + ") could not be read for the names its code imports: "
          + e.getMessage());
      return;
    }
    String pkg = m.name().contains(".") ? m.name().substring(0, m.name().lastIndexOf('.')) : "";
    Set<String> siblings = pkg.isEmpty() ? Set.of() : CompiledNames.siblings(finder.listing(dir), pkg, m.name());
    Set<String> tops = distributions.tops(m);
    CompiledNames.find(data, pkg, siblings, tops, n -> findModule(n).isPresent()).forEach((name, string) ->
        require(name, new Origin(Analyser.PYTHON, "named in the compiled code of " + m.name() + " (\"" + string + "\")", m.file(), 0), true));
  }

  /**
   * The .py source beside an extension module (Cython-compiled packages such as Debian's falcon
   * ship both): the extension's imports are its source's imports, invisible in the binary.
   */
  private String compiledFrom(PyModule m) {
    String dir = RootFs.parent(m.file());
    String base = m.isPackage() ? "__init__" : m.name().substring(m.name().lastIndexOf('.') + 1);
    String source = dir + "/" + base + ".py";
    return fs.isRegularFile(source) ? source : null;
  }

  private void scanSource(PyModule m, String file, List<Token> tokens) {
    boolean asMain = m.name().equals("__main__") || m.name().equals(mainModule)
        || m.name().equals(mainModule + ".__main__");
    lazy.mentioned(m.name(), ImportScanner.mentions(tokens));
    for (ImportRef ref : ImportScanner.scan(tokens, asMain, layout.version())) {
      if (ref.lazy()) {
        lazy.defer(m, file, ref);
      } else {
        importRef(m, file, ref);
      }
    }
    if (file != null && isOwnCode(file)) {
      namedByStrings(file, tokens);
    }
    namedCodecs(file, m.file(), tokens);
  }

  /**
   * Codecs named by a literal where Python looks them up by name: {@code .encode("x")},
   * {@code .decode("x")}, {@code codecs.lookup("x")} and the like, {@code encoding="x"}; the codec's
   * module in encodings is found at run time (encodings.search_function), e.g. Django's
   * {@code .encode("unicode_escape")} on its 404 page.
   */
  private void namedCodecs(String file, String from, List<Token> t) {
    for (int i = 0; i + 2 < t.size(); i++) {
      boolean call = CODEC_CALLS.contains(t.get(i).text()) && t.get(i).isName() && t.get(i + 1).is("(");
      boolean keyword = t.get(i).is("encoding") && t.get(i + 1).is("=");
      String name = call || keyword ? t.get(i + 2).stringValue() : null;
      String module = name == null || name.isBlank() ? null : codecs.module(name);
      if (module != null) {
        require("encodings." + module, new Origin(Analyser.PYTHON, "codec '" + name + "' named in code", file, t.get(i).line(), from), true);
      }
    }
  }

  /** Code of the app itself: not the standard library's, nor in a site directory. */
  private boolean isOwnCode(String file) {
    return !file.startsWith(layout.stdlibDir() + "/") && !file.startsWith(layout.platStdlibDir() + "/")
        && layout.siteDirs().stream().noneMatch(d -> file.startsWith(d + "/"))
        && !file.contains("/site-packages/") && !file.contains("/dist-packages/");
  }

  /**
   * String constants of the app's own code that are a module's dotted name, or {@code
   * module.attribute} / {@code module:attribute} of one (Django's INSTALLED_APPS and MIDDLEWARE,
   * logging's and frameworks' class paths): code loads them by name with importlib. Libraries'
   * strings are left to knowledge: taken from all code, the rule kept 12-50 MB more for no fix but
   * boto3's handlers; from libraries' settings modules, the defaults of apps a site does not use
   * (docs/decisions.md).
   */
  private void namedByStrings(String file, List<Token> tokens) {
    for (Token t : tokens) {
      String v = t.stringValue();
      if (v == null || v.length() > 200 || !DOTTED.matcher(v).matches()) {
        continue;
      }
      String name = ModuleNames.longestModule(v.split(":", 2)[0], n -> findModule(n).isPresent());
      if (name != null) {
        require(name, new Origin(Analyser.PYTHON, "module named by the string '" + v + "'", file, t.line()), true);
      }
    }
  }

  private void importRef(PyModule importer, String file, ImportRef ref) {
    // an extension module's imports are read in its source; the module's own file is what asked
    Origin origin = new Origin(Analyser.PYTHON, ref.describe(), file, ref.line(), importer.file());
    String target = ref.module();
    if (ref.level() > 0) {
      String base = relativeBase(importer.packageName(), ref.level());
      if (base == null) {
        if (!ref.optional()) {
          String shown = ref.module().isEmpty() ? String.join(",", ref.names()) : ref.module();
          addMissing(new Missing(".".repeat(ref.level()) + shown, file, ref.line(),
              ref.describe() + " (relative import beyond the top-level package)"));
        }
        return;
      }
      target = ref.module().isEmpty() ? base : base + "." + ref.module();
    }
    if (finder.isForeignOrMain(target)) {
      return;
    }
    Optional<Knowledge.Ignore> ignore = knowledge.ignored(importer.name(), target)
        .filter(i -> i.whenAvailable() == null || finder.find(i.whenAvailable()).isPresent());
    if (ignore.isPresent()) {
      if (ignoredSeen.add(importer.name() + " " + target)) {
        notes.add("not followed: " + ref.describe() + " (" + file + ":" + ref.line() + "): "
            + ignore.get().library() + ": " + ignore.get().reason());
      }
      return;
    }
    if (ref.kind() != ImportRef.Kind.FROM) {
      require(target, origin, ref.optional());
      return;
    }
    Optional<PyModule> from = require(target, origin, ref.optional());
    if (from.isEmpty() || !from.get().isPackage()) {
      return;
    }
    for (String name : ref.names()) {
      if (name.equals("*")) {
        lazy.starImported(target);
        for (String n : dunderAll(from.get())) {
          submodule(target + "." + n, origin);
        }
      } else {
        submodule(target + "." + name, origin);
      }
    }
  }

  /** {@code from pkg import name}: a submodule when one exists, else an attribute. */
  private void submodule(String name, Origin origin) {
    if (findModule(name).isPresent()) {
      require(name, origin, true);
    }
  }

  private static String relativeBase(String pkg, int level) {
    if (pkg.isEmpty()) {
      return null;
    }
    String base = pkg;
    for (int i = 1; i < level; i++) {
      int dot = base.lastIndexOf('.');
      if (dot < 0) {
        return null;
      }
      base = base.substring(0, dot);
    }
    return base;
  }

  /** Includes {@code name} and its parent packages; reports it missing unless optional. */
  private Optional<PyModule> require(String name, Origin origin, boolean optional) {
    String[] parts = name.split("\\.");
    Optional<PyModule> m = Optional.empty();
    StringBuilder prefix = new StringBuilder();
    for (String part : parts) {
      if (prefix.length() > 0) {
        prefix.append('.');
      }
      prefix.append(part);
      m = findModule(prefix.toString());
      if (m.isEmpty()) {
        if (!optional) {
          addMissing(new Missing(name, origin.file(), origin.line(), origin.what()));
        }
        return m;
      }
      include(m.get(), origin);
    }
    return m;
  }

  /** Finds a module, also under the names knowledge redirects it to. */
  /**
   * The direct submodules and subpackages of a package whose names match {@code glob}, by their files
   * on disk ({@code pkg.*}, {@code PIL.*ImagePlugin} in knowledge); {@code *} also matches the
   * hyphens of names only importlib can import ({@code rich._unicode_data.unicode17-0-0}).
   */
  private List<String> submodules(String pkg, String glob) {
    Pattern importable = Pattern.compile("[A-Za-z_][\\w-]*");
    Pattern matching = Pattern.compile(Pattern.quote(glob).replace("*", "\\E[\\w-]*\\Q"));
    Optional<PyModule> p = findModule(pkg);
    if (p.isEmpty() || !p.get().isPackage()) {
      return List.of();
    }
    Set<String> names = new TreeSet<>();
    for (String dir : p.get().locations()) {
      for (String entry : fs.list(dir)) {
        String child = dir + "/" + entry;
        int dot = entry.indexOf('.');
        String stem = dot < 0 ? entry : entry.substring(0, dot);
        boolean module = entry.endsWith(".py") || entry.endsWith(".pyc") || entry.endsWith(".so");
        boolean pkgDir = dot < 0 && fs.isDirectory(child) && !entry.equals("__pycache__")
            && (fs.isRegularFile(child + "/__init__.py") || fs.isRegularFile(child + "/__init__.pyc"));
        if ((module || pkgDir) && !stem.equals("__init__") && importable.matcher(stem).matches() && matching.matcher(stem).matches()) {
          names.add(pkg + "." + stem);
        }
      }
    }
    return List.copyOf(names);
  }

  private Optional<PyModule> findModule(String name) {
    Optional<PyModule> m = finder.find(name);
    if (m.isPresent()) {
      return m;
    }
    for (Knowledge.Redirected r : knowledge.redirect(name)) {
      Optional<PyModule> alt = finder.find(r.name());
      if (alt.isPresent()) {
        Origin o = new Origin(Analyser.KNOWLEDGE, r.by().library() + ": " + name + " is served as " + r.name() + ": "
            + r.by().reason(), null, 0);
        return require(r.name(), o, true);
      }
    }
    return Optional.empty();
  }

  private void include(PyModule m, Origin origin) {
    if (included.containsKey(m.name())) {
      return;
    }
    included.put(m.name(), m);
    if (m.file() != null) {
      String what = switch (m.kind()) {
        case EXTENSION -> "extension module " + m.name() + ": " + origin.what();
        case FROZEN -> "frozen module " + m.name() + " (its file is read with frozen modules off): " + origin.what();
        default -> origin.what();
      };
      Origin o = new Origin(origin.analyser(), what, origin.file(), origin.line(), origin.from());
      addFile(m.file(), o);
      if (m.file().endsWith(".py")) {
        String dir = RootFs.parent(m.file());
        String stem = m.file().substring(dir.length() + 1, m.file().length() - 3);
        String pyc = dir + "/__pycache__/" + stem + ".cpython-" + layout.versionNoDot() + ".pyc";
        if (fs.isRegularFile(pyc)) {
          addFile(pyc, new Origin(origin.analyser(), "bytecode cache of " + m.name(), null, 0, m.file()));
        }
        toScan.add(m);
      } else if (m.kind() == Kind.BYTECODE) {
        notes.add("sourceless module " + m.name() + " (" + m.file() + "): its imports are not scanned");
        lazy.opaque(m.file());
      } else if (m.kind() == Kind.EXTENSION) {
        toScan.add(m);
        if (compiledFrom(m) == null) {
          lazy.opaque(m.file());
        }
      }
    }
    applyKnowledge(m.name());
  }

  private void applyKnowledge(String name) {
    if (!knowledgeApplied.add(name)) {
      return;
    }
    PyModule used = included.get(name);
    String trigger = used == null ? null : used.file();
    for (Knowledge.Rule rule : knowledge.rulesFor(name)) {
      for (Knowledge.Import i : rule.imports()) {
        if (i.ifAvailable() != null && findModule(i.ifAvailable()).isEmpty()) {
          continue;
        }
        Origin o = new Origin(Analyser.KNOWLEDGE, rule.library() + ": " + i.reason() + " (when " + name + " is used)", null, 0, trigger);
        int dot = i.module().lastIndexOf('.');
        if (i.module().substring(dot + 1).contains("*")) {
          for (String sub : submodules(i.module().substring(0, dot), i.module().substring(dot + 1))) {
            require(sub, o, true);
          }
          continue;
        }
        require(i.module(), o, i.optional() || i.ifAvailable() != null);
      }
      for (Knowledge.File f : rule.files()) {
        Origin o = new Origin(Analyser.KNOWLEDGE, rule.library() + ": " + f.reason() + " (when " + name + " is used)", null, 0, trigger);
        String path = f.path();
        boolean tree = path.endsWith("/**");
        if (tree) {
          path = path.substring(0, path.length() - 3);
        }
        if (fs.resolve(path).isEmpty()) {
          if (!f.optional()) {
            addMissing(new Missing(path + " (file)", "knowledge/" + rule.library(), 0, f.reason()));
          }
        } else if (tree) {
          addTree(path, o);
        } else {
          addFile(path, o);
        }
      }
    }
  }

  /** The string literals of {@code __all__ = [...]} / {@code __all__ += (...)} in a package's source. */
  private List<String> dunderAll(PyModule pkg) {
    List<String> names = new ArrayList<>();
    String source = pkg.file() != null && pkg.file().endsWith(".py") ? readText(pkg.file()) : null;
    if (source == null) {
      return names;
    }
    List<Token> t = PyTokenizer.tokenize(source);
    for (int i = 0; i + 2 < t.size(); i++) {
      if (t.get(i).is("__all__") && (t.get(i + 1).is("=") || t.get(i + 1).is("+="))
          && (t.get(i + 2).is("[") || t.get(i + 2).is("("))) {
        for (int k = i + 3; k < t.size() && !t.get(k).is("]") && !t.get(k).is(")"); k++) {
          String v = t.get(k).stringValue();
          if (v != null) {
            names.add(v);
          }
        }
      }
    }
    return names;
  }

  // ---------------------------------------------------------------------------------------------
  // files beside the modules

  /** .pth files whose directories hold kept files; their import lines are then followed (optional). */
  private void pthFiles() {
    for (PythonLayout.PthFile pth : layout.pthFiles()) {
      boolean used = pth.addedPaths().stream().anyMatch(dir -> requirements.keySet().stream()
          .anyMatch(p -> p.startsWith(dir + "/")));
      if (!used) {
        if (!pth.imports().isEmpty()) {
          notes.add(pth.path() + " has import lines and is not kept: its code will not run at start-up");
        }
        continue;
      }
      addFile(pth.path(), new Origin(Analyser.PYTHON, ".pth file adding " + String.join(", ", pth.addedPaths()) + " to sys.path",
          null, 0));
      PyModule site = new PyModule("site", Kind.SOURCE, pth.path(), false, List.of());
      for (PythonLayout.PthImport imp : pth.imports()) {
        List<Token> tokens = PyTokenizer.tokenize(imp.code());
        lazy.mentioned(pth.path(), ImportScanner.mentions(tokens));
        for (ImportRef ref : ImportScanner.scan(tokens, true, null)) {
          ImportRef optional = new ImportRef(ref.kind(), ref.module(), ref.level(), ref.names(), imp.line(), true, List.of());
          importRef(site, pth.path(), optional);
        }
      }
    }
  }

  /** Non-module files of a regular package: templates, data, certificates; not test suites. */
  private void packageData(PyModule m) {
    for (String file : packageData.files(m)) {
      addFile(file, new Origin(Analyser.PYTHON, "data file of package " + m.name(), null, 0, m.file()));
    }
  }

  /** dist-info / egg-info of each top-level package in the closure, from the same sys.path entry. */
  private void metadata() {
    for (PyModule m : included.values()) {
      if (m.name().contains(".") || m.kind() == Kind.BUILTIN || m.name().equals("__main__")) {
        continue;
      }
      Set<String> entries = new LinkedHashSet<>();
      if (m.isPackage()) {
        m.locations().forEach(l -> entries.add(RootFs.parent(l)));
      } else if (m.file() != null) {
        entries.add(RootFs.parent(m.file()));
      }
      for (String entry : entries) {
        if (entry.equals(layout.stdlibDir()) || entry.equals(layout.platStdlibDir())) {
          continue;
        }
        Map<String, Set<String>> dists = distributions.in(entry);
        for (Map.Entry<String, Set<String>> d : dists.entrySet()) {
          if (d.getValue().contains(m.name())) {
            addTree(d.getKey(), new Origin(Analyser.PYTHON, "metadata of " + Distributions.name(d.getKey()) + " (provides " + m.name() + ")",
                null, 0, m.file()));
          }
        }
      }
    }
  }

  // ---------------------------------------------------------------------------------------------
  // requirements

  private void addMissing(Missing m) {
    if (missingSeen.add(m.module() + "\0" + m.importer() + "\0" + m.line())) {
      missing.add(m);
    }
  }

  /** Keeps {@code path}, the symlinks on its way and their target. */
  private void addFile(String path, Origin origin) {
    String p = RootFs.normalize(path);
    if (requirements.containsKey(p)) {
      return;
    }
    requirements.put(p, new Requirement(p, origin.analyser(), origin.reason(), origin.from()));
    fs.resolve(p).ifPresent(r -> {
      for (String link : r.links()) { // p itself, when a link, is put above
        requirements.putIfAbsent(link, new Requirement(link, origin.analyser(), "symlink on the way to " + p, p));
      }
      if (!r.path().equals(p)) {
        requirements.putIfAbsent(r.path(), new Requirement(r.path(), origin.analyser(), "target of " + p, p));
      }
    });
  }

  /** Keeps every regular file under {@code dir} (recursively). */
  private void addTree(String dir, Origin origin) {
    if (!fs.isDirectory(dir)) {
      addFile(dir, origin);
      return;
    }
    for (String n : fs.list(dir)) {
      String p = dir + "/" + n;
      if (fs.isDirectory(p)) {
        addTree(p, origin);
      } else if (fs.isRegularFile(p)) {
        addFile(p, origin);
      }
    }
  }

  private String readText(String path) {
    byte[] bytes = readBytes(path);
    return bytes == null ? null : new String(bytes, StandardCharsets.UTF_8);
  }

  private byte[] readBytes(String path) {
    if (path == null || !fs.isRegularFile(path)) {
      return null;
    }
    try {
      return fs.read(path);
    } catch (IOException e) {
      return null;
    }
  }
}

package dev.shrink.python;

import dev.shrink.closure.Analyser;
import dev.shrink.closure.Requirement;
import dev.shrink.fs.RootFs;
import dev.shrink.fs.SystemPaths;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * The one entry point of the Python analysis: from an interpreter and its command line to the
 * files the run needs (with reasons), the modules it imports and what the later steps need to
 * know (the layout, the scripts whose source stays, the frozen modules' files).
 */
public final class PythonAnalysis {
  private static final Pattern MODULE_ARG = Pattern.compile("[A-Za-z_]\\w*(\\.[A-Za-z_]\\w*)*(:[\\w.()]+)?");

  private PythonAnalysis() {}

  /**
   * What the analysis starts from.
   *
   * @param interpreter the interpreter's image path, as the command names it
   * @param args the arguments the interpreter sees
   * @param env the command's environment
   * @param workdir the command's working directory
   * @param appModules modules the user named as the app's own (shrink build), empty for an image
   * @param seenFiles Python files (sources, bytecode, extension modules) a traced run saw loaded: their modules seed the scanner
   * @param seenBy the traced run's requirements, whose reasons the seeded modules carry
   */
  public record Input(RootFs root, String interpreter, List<String> args, Map<String, String> env, String workdir,
      List<String> appModules, List<String> seenFiles, List<Requirement> seenBy) {}

  /**
   * What the analysis found: the files to keep in the order found ({@code requirements}), the
   * modules in the closure, problems (modules not found), the interpreter's layout, the scripts it
   * runs (their source stays), the files of the frozen modules it imports (3.11+: os, site, codecs,
   * ...; only the import system's own when the command turns frozen modules off), which of them are
   * the import system's, and the analysis' notes (imports not followed, modules not scanned).
   */
  public record Result(String interpreter, PythonLayout layout, List<Requirement> requirements, List<String> modules,
      List<String> problems, Set<String> scripts, Set<String> frozen, Set<String> importSystem, List<String> notes) {
    /** The interpreter's own directories: prefix, exec prefix, venv and sys.path. */
    public Set<String> interpreterDirs() {
      Set<String> dirs = new TreeSet<>(List.of(layout.prefix(), layout.execPrefix()));
      layout.venvPrefix().ifPresent(dirs::add);
      dirs.addAll(layout.sysPath());
      return dirs;
    }

    /**
     * The frozen modules' sources that only the import analysis keeps ({@code reasons}: the kept
     * files' requirements): a file a trace or --include asked for stays, and so does os, getpath's
     * landmark for the library directory.
     */
    public Set<String> frozenFiles(Map<String, List<Requirement>> reasons) {
      Set<String> out = new TreeSet<>();
      for (String file : frozen) {
        List<Requirement> why = reasons.get(file);
        if (why != null && !file.equals(layout.stdlibDir() + "/os.py") && why.stream().allMatch(r -> r.analyser() == Analyser.PYTHON)) {
          out.add(file);
        }
      }
      return out;
    }

    /**
     * The bytecode ({@code pkg/mod.pyc} among {@code written}) of the frozen sources the
     * interpreter never reads, with why: the import system's always, the others when the
     * interpreter was seen importing them frozen ({@code frozenInUse}).
     */
    public Map<String, String> unusedBytecode(Set<String> sources, Set<String> written, boolean frozenInUse) {
      String seen = "frozen into " + interpreter + ", which imports it from there (seen: os is frozen in it)";
      String always = "the import system's own module, frozen into every CPython since 3.8 and always imported from there";
      Map<String, String> unused = new TreeMap<>();
      for (String source : sources) {
        String pyc = source + "c";
        boolean own = importSystem.contains(source);
        if (written.contains(pyc) && (own || frozenInUse)) {
          unused.put(pyc, own ? always : seen);
        }
      }
      return unused;
    }
  }

  /**
   * The installed distribution each of {@code paths} belongs to (its metadata directory's name,
   * {@code falcon}, {@code PyYAML}), for those that belong to one on the interpreter's sys.path.
   */
  public static Map<String, String> distributions(RootFs root, PythonLayout layout, Collection<String> paths) {
    Distributions d = new Distributions(root, layout, new ModuleFinder(root, layout), p -> {
      try {
        return root.isRegularFile(p) ? new String(root.read(p), StandardCharsets.UTF_8) : null;
      } catch (IOException e) {
        return null;
      }
    });
    Map<String, String> out = new TreeMap<>();
    paths.forEach(p -> d.owner(p).ifPresent(name -> out.put(p, name)));
    return out;
  }

  /** How a problem starts when library code imports a module that cannot be found (mostly code the app never reaches). */
  public static final String NO_MODULE = "python: no module ";
  /** How a problem starts when the app's own code (under the WORKDIR, not an installed package) imports a module that cannot be found. */
  public static final String APP_IMPORT_MISSING = "python: the app's own code imports a module that cannot be found: ";

  /** An import statement of the app's own code: under the WORKDIR (not "/"), outside installed packages. */
  private static boolean appCode(PythonClosure.Missing m, String workdir) {
    String importer = m.importer();
    return importer != null && !workdir.equals("/") && importer.startsWith(workdir + "/") && !importer.contains("/site-packages/")
        && !importer.contains("/dist-packages/") && (m.statement().startsWith("import ") || m.statement().startsWith("from "));
  }

  /** The analysis of the run, or empty when the interpreter is started without a script or module (nothing to analyse). */
  public static Optional<Result> analyse(Input in) {
    Optional<PythonCommandLine.Parsed> parsed = PythonCommandLine.parse(in.args(), in.workdir());
    if (parsed.isEmpty()) {
      return Optional.empty();
    }
    List<Requirement> files = new ArrayList<>();
    List<String> argModules = new ArrayList<>();
    Set<String> scripts = new HashSet<>();
    for (String arg : parsed.get().programArgs()) {
      String path = PythonCommandLine.absolute(arg, in.workdir());
      if (!arg.startsWith("-") && in.root().isRegularFile(path)) {
        scripts.add(RootFs.normalize(path));
        files.add(new Requirement(path, Analyser.ENTRYPOINT, "file named on the command line (" + arg + ")"));
      } else if (MODULE_ARG.matcher(arg).matches()) {
        argModules.add(arg.split(":")[0]);
      }
    }
    argModules.addAll(in.appModules());
    Map<String, String> env = new HashMap<>(in.env());
    if (!argModules.isEmpty()) {
      String pythonPath = env.get("PYTHONPATH");
      env.put("PYTHONPATH", in.workdir() + (pythonPath == null || pythonPath.isEmpty() ? "" : ":" + pythonPath));
    }
    Launch launch = parsed.get().launch();
    PythonLayout layout = PythonLayout.compute(in.root(), in.interpreter(), env, launch);
    ModuleFinder finder = new ModuleFinder(in.root(), layout);
    List<String> named = argModules.stream().distinct().filter(m -> finder.find(m).isPresent()).toList();
    PythonClosure.Result result = PythonClosure.analyse(in.root(), layout, Knowledge.load(), named, seen(in, layout, finder));
    files.addAll(result.requirements());
    List<String> problems = result.missing().stream().map(m -> (appCode(m, in.workdir()) ? APP_IMPORT_MISSING : NO_MODULE) + m.module()
        + " for " + m.statement() + " (" + m.importer() + ":" + m.line() + ")").toList();
    files.addAll(namedByApp(in, result));
    if (launch.mode() == Launch.Mode.SCRIPT) {
      scripts.add(launch.scriptPath());
    }
    Set<String> frozen = new TreeSet<>();
    Set<String> importSystem = new TreeSet<>();
    for (String m : result.modules()) {
      Optional<PyModule> pm = finder.find(m).filter(f -> f.kind() == PyModule.Kind.FROZEN && f.file() != null);
      if (pm.isPresent() && ModuleFinder.isImportSystem(m)) {
        importSystem.add(pm.get().file());
      }
      if (pm.isPresent() && (!parsed.get().frozenModulesOff() || ModuleFinder.isImportSystem(m))) {
        frozen.add(pm.get().file());
      }
    }
    return Optional.of(new Result(in.interpreter(), layout, files, result.modules(), problems, scripts, frozen, importSystem,
        result.notes()));
  }

  /** The modules of the Python files a traced run saw loaded, each with the reason of its requirement. */
  private static Map<String, Requirement> seen(Input in, PythonLayout layout, ModuleFinder finder) {
    Map<String, Requirement> seen = new LinkedHashMap<>();
    for (String f : in.seenFiles()) {
      if (layout.startupHook(f)) {
        continue;
      }
      Requirement by = in.seenBy().stream().filter(r -> r.path().equals(f)).findFirst()
          .orElse(new Requirement(f, Analyser.PROBE, "seen loaded"));
      ModuleNames.of(layout.sysPath(), f).filter(m -> finder.find(m).isPresent()).ifPresent(m -> seen.putIfAbsent(m, by));
    }
    return seen;
  }

  /**
   * What the app's own code (outside the interpreter's library) names by literal: programs it
   * starts (found on PATH, with their own ELF closure later) and absolute paths of files it opens.
   */
  private static List<Requirement> namedByApp(Input in, PythonClosure.Result result) {
    RootFs root = in.root();
    List<Requirement> out = new ArrayList<>();
    for (Requirement r : result.requirements()) {
      String p = r.path();
      boolean own = p.endsWith(".py") && !p.contains("/lib/python") && !p.startsWith("/usr/lib/python3/");
      if (!own || !root.isRegularFile(p)) {
        continue;
      }
      String source;
      try {
        source = new String(root.read(p), StandardCharsets.UTF_8);
      } catch (IOException e) {
        continue;
      }
      for (String name : ProgramScanner.programs(source)) {
        SystemPaths.which(root, name, in.env(), in.workdir()).ifPresent(found ->
            out.add(new Requirement(found, Analyser.PYTHON, "program started by name '" + name + "' in " + p, p)));
      }
      for (String path : ProgramScanner.paths(source)) {
        if (root.isRegularFile(path)) {
          out.add(new Requirement(path, Analyser.PYTHON, "path literal '" + path + "' in " + p, p));
        }
      }
    }
    return out;
  }
}

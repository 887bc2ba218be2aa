package dev.shrink.minify;

import dev.shrink.bytecode.Compiler;
import dev.shrink.bytecode.Target;
import dev.shrink.closure.Requirement;
import dev.shrink.elf.ElfFile;
import dev.shrink.elf.ElfStrip;
import dev.shrink.elf.LibraryResolver;
import dev.shrink.fs.RootFs;
import dev.shrink.image.Image;
import dev.shrink.image.ImageConfig;
import dev.shrink.image.Json;
import dev.shrink.layer.Compression;
import dev.shrink.layer.LayerApplier;
import dev.shrink.layer.LayerEntry;
import dev.shrink.layer.LayerWriter;
import dev.shrink.layer.ScratchImage;
import dev.shrink.python.Knowledge;
import dev.shrink.python.ModuleFinder;
import dev.shrink.python.ModuleNames;
import dev.shrink.python.PyModule;
import dev.shrink.python.PythonClosure;
import dev.shrink.python.PythonLayout;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
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
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The heart of shrink: from a fat image to a FROM-scratch image with only the files its command
 * needs, found by static analysis (what runs, ELF libraries, Python imports, knowledge, system
 * essentials), running as a non-root user.
 */
public final class Minifier {
  private static final Set<String> SYSTEM_DIRS = Set.of("/usr", "/etc", "/bin", "/sbin", "/lib", "/lib64", "/var", "/tmp", "/root",
      "/home", "/proc", "/sys", "/dev", "/run", "/usr/bin", "/usr/lib", "/usr/local", "/usr/share", "/usr/sbin");
  /** The analyser of paths a self-repair added (see {@code dev.shrink.repair}); no --exclude drops them. */
  public static final String REPAIR = "repair";
  private static final Pattern MODULE_ARG = Pattern.compile("[A-Za-z_]\\w*(\\.[A-Za-z_]\\w*)*(:[\\w.()]+)?");

  /**
   * How the layers are written: their compression and level, whether ELF files lose their symbol
   * tables and debug sections ({@code --strip}), and whether the standard library's bytecode goes
   * into the interpreter's {@code pythonXY.zip} (see {@link StdlibZip}).
   */
  public record Output(Compression compression, int level, boolean strip, boolean zipStdlib) {
    public static Output defaults() {
      return new Output(Compression.GZIP, Compression.GZIP.defaultLevel(), false, true);
    }
  }

  /**
   * What the user can say; null entrypoint/cmd/user mean "from the image". {@code host} is null for
   * an image's root, and says what the user named when the root is a machine's own (shrink build).
   * {@code extra} are paths found elsewhere (a traced run: analyser "probe") that join the static
   * closure; {@code extraPythonFiles} are Python files (sources, bytecode, extension modules) seen
   * loaded, whose modules seed the import scanner.
   */
  public record Options(List<String> entrypoint, List<String> cmd, String user, List<String> includes, List<String> excludes,
      boolean keepSources, Output output, HostRoot host, List<Requirement> extra, List<String> extraPythonFiles,
      Target bytecode, Compiler compiler, boolean purePython) {
    /**
     * {@code bytecode} is the sourceless bytecode to make (optimisation level, column positions);
     * {@code compiler} runs the image's interpreter to make it, or is null (the image's valid
     * bytecode is kept as it is, other modules as source); {@code purePython} keeps a compiled
     * module's own source instead of it where both ship (see {@link PurePython}).
     */
    public Options {
      checkBytecode(bytecode.optimize(), keepSources);
    }

    /** Refuses optimised bytecode with sources kept (Python would load the sources' bytecode). */
    public static void checkBytecode(int optimize, boolean keepSources) {
      if (optimize > 0 && keepSources) {
        throw new IllegalArgumentException("-O" + optimize + " makes sourceless bytecode: it cannot be combined with --keep-sources");
      }
    }

    public Options(List<String> entrypoint, List<String> cmd, String user, List<String> includes, List<String> excludes,
        boolean keepSources, Output output) {
      this(entrypoint, cmd, user, includes, excludes, keepSources, output, null, List.of(), List.of(), Target.defaults(), null, false);
    }

    public static Options defaults() {
      return new Options(null, null, null, List.of(), List.of(), false, Output.defaults());
    }

    public Options withHost(HostRoot value) {
      return new Options(entrypoint, cmd, user, includes, excludes, keepSources, output, value, extra, extraPythonFiles, bytecode, compiler, purePython);
    }

    /** These options with paths and Python files found by a traced run added. */
    public Options withExtra(List<Requirement> requirements, List<String> pythonFiles) {
      return new Options(entrypoint, cmd, user, includes, excludes, keepSources, output, host, List.copyOf(requirements),
          List.copyOf(pythonFiles), bytecode, compiler, purePython);
    }

    /** These options with bytecode made as {@code value} says by {@code by} (null: nothing compiles). */
    public Options withBytecode(Target value, Compiler by) {
      return new Options(entrypoint, cmd, user, includes, excludes, keepSources, output, host, extra, extraPythonFiles, value, by,
          purePython);
    }

    /** These options with compiled modules replaced by their own sources where both ship ({@code --pure-python}). */
    public Options withPurePython(boolean value) {
      return new Options(entrypoint, cmd, user, includes, excludes, keepSources, output, host, extra, extraPythonFiles, bytecode, compiler,
          value);
    }
  }

  /**
   * The shrunk image (its layer lives in the work directory), the report of how it was made, and
   * the Python layout the analysis computed (null when the command runs no Python).
   */
  public record Result(Image image, MinifyReport report, PythonLayout python) {}

  /** An image unpacked for {@link #minify(Source, Path, Options)}: its root, config, name and sizes. */
  public record Source(RootFs root, ImageConfig config, String name, MinifyReport.Sizes before) {}

  /** How a problem starts when library code imports a module that cannot be found (mostly code the app never reaches). */
  public static final String NO_MODULE = "python: no module ";
  /** How a problem starts when the app's own code (under the WORKDIR, not an installed package) imports a module that cannot be found. */
  public static final String APP_IMPORT_MISSING = "python: the app's own code imports a module that cannot be found: ";

  private Minifier() {}

  /** An import statement of the app's own code: under the WORKDIR (not "/"), outside installed packages. */
  private static boolean appCode(PythonClosure.Missing m, String workdir) {
    String importer = m.importer();
    return !workdir.equals("/") && HostRoot.under(importer, workdir) && !importer.contains("/site-packages/")
        && !importer.contains("/dist-packages/") && (m.statement().startsWith("import ") || m.statement().startsWith("from "));
  }

  /** Minifies an image: unpacks it into {@code workDir} and keeps what its command needs. */
  public static Result minify(Image source, Path workDir, Options options) throws IOException {
    return minify(unpack(source, workDir), workDir, options);
  }

  /** Unpacks an image into {@code workDir/rootfs}, to be minified once or more (a repair rebuilds). */
  public static Source unpack(Image source, Path workDir) throws IOException {
    RootFs root = LayerApplier.unpack(source, workDir.resolve("rootfs"));
    long[] files = MinifyReport.countFiles(root.dir());
    MinifyReport.Sizes before = new MinifyReport.Sizes(source.layers().stream().mapToLong(d -> d.size()).sum(), files[0], files[1]);
    return new Source(root, source.config(), source.name(), before);
  }

  /** Minifies an unpacked image; {@code workDir} gets this build's layer and written files. */
  public static Result minify(Source source, Path workDir, Options options) throws IOException {
    return minify(source.root(), source.config(), source.name(), source.before(), workDir, options);
  }

  /**
   * Keeps what a command needs from a root filesystem, which is only read (it may be the host's
   * own, see {@link Options#host()}). {@code config} gives the command, env, workdir and user;
   * {@code before} the sizes to report against, or null.
   */
  public static Result minify(RootFs root, ImageConfig config, String name, MinifyReport.Sizes before, Path workDir, Options options)
      throws IOException {
    RunCommand run = RunCommand.resolve(root, config, options.entrypoint(), options.cmd());
    FileSet files = new FileSet(root);
    List<String> problems = new ArrayList<>();
    files.addAll(run.requirements());
    HostRoot host = options.host();
    List<String> outward = List.of();
    List<String> appDirs = host == null ? appDirs(run.workdir()) : host.namedDirs();
    if (host == null) {
      appDirectory(root, appDirs, files);
    } else {
      outward = host.keepNamed(root, files);
    }

    Set<String> modules = new TreeSet<>();
    Set<String> interpreterDirs = new TreeSet<>();
    PythonRun python = null;
    for (int i = 0; i < run.programs().size(); i++) {
      String program = run.programs().get(i);
      String real = root.resolve(program).map(RootFs.Resolved::path).orElse(program);
      interpreterDirs.add(program);
      interpreterDirs.add(real);
      if (PythonLaunch.isInterpreter(real)) {
        List<String> appModules = host == null ? List.of() : host.appModules(root);
        python = analysePython(root, program, run.interpreterArgs().get(i), run, files, modules, problems, appModules,
            options, interpreterDirs);
        break;
      }
    }
    PythonLayout layout = python == null ? null : python.layout();
    // site.py's start-up hooks a traced run loaded are left to the Python analysis (see PythonLayout.startupHook)
    files.addAll(options.extra().stream().filter(r -> layout == null || !layout.startupHook(r.path())).toList());
    Map<String, String> dropped = new LinkedHashMap<>();
    String pycTag = layout == null ? null : "cpython-" + layout.versionNoDot();
    if (python != null && options.purePython()) {
      PurePython.Result pure = PurePython.swap(files, layout.sysPath(), pycTag);
      files = pure.kept();
      pure.swapped().forEach((extension, source) -> dropped.put(extension, "compiled from " + source + ", which is kept instead (--pure-python)"));
    }
    Set<String> elfDone = new HashSet<>();
    resolveElf(root, run.env(), files, elfDone, problems);
    files.addAll(SystemKnowledge.load().apply(root, files.paths(), modules, run.env()));
    for (String pattern : options.includes()) {
      List<String> matches = root.glob(pattern);
      if (matches.isEmpty()) {
        throw new IllegalArgumentException("--include " + pattern + " matches nothing in " + name);
      }
      for (String p : matches) {
        files.add(new Requirement(p, "include", "--include " + pattern));
      }
    }
    resolveElf(root, run.env(), files, elfDone, problems);
    if (!files.contains(run.workdir()) && root.isDirectory(run.workdir())) {
      files.add(new Requirement(run.workdir(), "essentials", "WORKDIR"));
    }
    FileSet guarded = host == null ? files : host.guard(files, interpreterDirs, problems);
    List<PathMatcher> excludes = options.excludes().stream().map(g -> FileSystems.getDefault().getPathMatcher("glob:" + g)).toList();
    FileSet kept = exclude(guarded, excludes, problems);
    if (host != null) {
      host.check(kept, outward, problems);
    }

    Essentials user = host == null ? Essentials.of(root, config.user(), options.user()) : Essentials.synthesized(options.user());
    Path extraDir = Files.createDirectories(workDir.resolve("extra"));
    Map<String, Path> extra = new LinkedHashMap<>();
    extra.put("/etc/passwd", Files.writeString(extraDir.resolve("passwd"), user.passwd(), StandardCharsets.UTF_8));
    extra.put("/etc/group", Files.writeString(extraDir.resolve("group"), user.group(), StandardCharsets.UTF_8));
    kept.addSynthetic(Essentials.requirement("/etc/passwd", "account of the run user " + user.userName() + " (" + user.configUser() + ")"));
    kept.addSynthetic(Essentials.requirement("/etc/group", "group of the run user"));
    Map<String, Integer> dirs = new LinkedHashMap<>();
    dirs.put("/tmp", 01777);
    kept.addSynthetic(Essentials.requirement("/tmp", "writable temp directory (mode 1777) for a read-only root"));

    if (pycTag != null) {
      Unread.Result unread = Unread.drop(kept, pycTag);
      kept = unread.kept();
      dropped.putAll(unread.dropped());
    }
    if (python != null && !options.keepSources()) {
      Set<String> frozen = python.frozenFiles(kept);
      Sourceless.Interpreter interpreter = python.interpreter();
      for (String dir : appDirs) {
        // top-level files of the app are programs a user may start (cli.py, manage.py): their source stays
        interpreter = interpreter.withScripts(root.glob(dir + "/*.py"));
      }
      Sourceless.Result sourceless = Sourceless.apply(kept, interpreter, options.bytecode(), options.compiler(), workDir.resolve("bytecode"),
          problems);
      kept = sourceless.kept();
      extra.putAll(sourceless.moved());
      Map<String, String> unused = python.unusedBytecode(frozen, extra.keySet(), sourceless.frozenModules());
      kept = kept.without(unused.keySet());
      extra.keySet().removeAll(unused.keySet());
      dropped.putAll(unused);
    }
    long epoch = LayerWriter.sourceDateEpoch();
    Map<String, Map<String, StdlibZip.Member>> archives = Map.of();
    if (python != null && options.output().zipStdlib()) {
      Optional<StdlibZip.Result> zip = StdlibZip.apply(kept, layout.stdlibZip(), layout.stdlibDir(), extra,
          workDir.resolve("stdlib").resolve(Path.of(layout.stdlibZip()).getFileName()), epoch);
      if (zip.isPresent()) {
        kept = zip.get().kept();
        archives = Map.of(zip.get().zip(), zip.get().members());
        extra.keySet().removeAll(zip.get().members().keySet());
        extra.put(zip.get().zip(), zip.get().file());
      }
    }
    Map<String, Path> stripped = options.output().strip() ? strip(kept, extra, workDir.resolve("stripped")) : Map.of();
    List<LayerEntry> entries = Assembler.entries(kept, extra, stripped, dirs, host == null ? p -> false : host::named);
    Map<LayerSplit.Part, List<LayerEntry>> parts = new LayerSplit(appDirs).split(entries);
    Path layerDir = Files.createDirectories(workDir.resolve("layers"));
    LayerWriter writer = new LayerWriter(options.output().compression(), options.output().level(), epoch);
    List<LayerWriter.Blob> blobs = new ArrayList<>();
    List<MinifyReport.Layer> layers = new ArrayList<>();
    for (Map.Entry<LayerSplit.Part, List<LayerEntry>> part : parts.entrySet()) {
      LayerWriter.Blob blob = writer.write(part.getValue(), layerDir.resolve(part.getKey().label() + ".tar"));
      blobs.add(blob);
      layers.add(MinifyReport.Layer.of(part.getKey().label(), part.getKey().description(), blob, part.getValue()));
    }
    ObjectNode outConfig = outputConfig(config, run, user, epoch, host == null ? "shrink minify" : "shrink build", parts.keySet());
    if (python != null && !options.keepSources() && options.bytecode().optimize() > 0) {
      optimizeEnv(outConfig, options.bytecode().optimize());
    }
    Image image = ScratchImage.of(name + " (minified)", outConfig, blobs, null);
    Map<String, Path> contents = new HashMap<>(extra);
    contents.putAll(stripped);
    MinifyReport report = MinifyReport.of(name, before, image, layers, kept, contents, archives, dropped, stripped.keySet(), problems,
        python == null ? List.of() : python.notes(), user);
    return new Result(image, report, layout);
  }

  /** The application directory of an image: the WORKDIR, unless it is a system directory. */
  private static List<String> appDirs(String workdir) {
    String dir = RootFs.normalize(workdir);
    return dir.equals("/") || SYSTEM_DIRS.contains(dir) ? List.of() : List.of(dir);
  }

  /**
   * Stripped copies (in {@code dir}) of the kept ELF files that carry a symbol table or debug
   * sections, by image path; files shrink writes itself ({@code extra}) are not ELF.
   */
  private static Map<String, Path> strip(FileSet kept, Map<String, Path> extra, Path dir) throws IOException {
    Map<String, Path> out = new HashMap<>();
    for (String path : kept.paths()) {
      Path host = kept.root().host(path);
      if (extra.containsKey(path) || !Files.isRegularFile(host, LinkOption.NOFOLLOW_LINKS)) {
        continue;
      }
      Optional<ElfFile> elf = ElfFile.parse(host);
      if (elf.isPresent() && (elf.get().hasSymtab() || elf.get().hasDebugInfo())) {
        Path target = Files.createDirectories(dir).resolve(out.size() + "-" + host.getFileName());
        if (ElfStrip.strip(host, target)) {
          out.put(path, target);
        }
      }
    }
    return out;
  }

  /**
   * What the command's interpreter is, the scripts it runs (their source stays), the files of the
   * frozen modules it imports (3.11+: os, site, codecs, ...; only the import system's own when the
   * command turns frozen modules off), which of them are the import system's, and the analysis'
   * notes (imports not followed, modules not scanned).
   */
  private record PythonRun(String path, PythonLayout layout, Set<String> scripts, Set<String> frozen, Set<String> importSystem,
      List<String> notes) {
    Sourceless.Interpreter interpreter() {
      return new Sourceless.Interpreter(path, layout.version(), layout.sysPath(), scripts);
    }

    /**
     * The frozen modules' sources that only the import analysis keeps: a file a trace or
     * --include asked for stays, and so does os, getpath's landmark for the library directory.
     */
    Set<String> frozenFiles(FileSet kept) {
      Map<String, List<Requirement>> reasons = kept.reasons();
      Set<String> out = new TreeSet<>();
      for (String file : frozen) {
        List<Requirement> why = reasons.get(file);
        if (why != null && !file.equals(layout.stdlibDir() + "/os.py") && why.stream().allMatch(r -> r.analyser().equals("python"))) {
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
    Map<String, String> unusedBytecode(Set<String> sources, Set<String> written, boolean frozenInUse) {
      String seen = "frozen into " + path + ", which imports it from there (seen: os is frozen in it)";
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
   * Returns the interpreter the command runs, or null when there was nothing to analyse. Python
   * files of {@code options.extraPythonFiles()} seed the import scanner with the reason of their
   * requirement in {@code options.extra()}.
   */
  private static PythonRun analysePython(RootFs root, String interpreter, List<String> args, RunCommand run, FileSet files,
      Set<String> modules, List<String> problems, List<String> appModules, Options options, Set<String> interpreterDirs) {
    var parsed = PythonLaunch.parse(args, run.workdir());
    if (parsed.isEmpty()) {
      problems.add("python is started without a script or module; nothing to analyse");
      return null;
    }
    Map<String, String> env = new HashMap<>(run.env());
    List<String> argModules = new ArrayList<>();
    Set<String> scripts = new HashSet<>();
    for (String arg : parsed.get().programArgs()) {
      String path = PythonLaunch.absolute(arg, run.workdir());
      if (!arg.startsWith("-") && root.isRegularFile(path)) {
        scripts.add(RootFs.normalize(path));
        files.add(new Requirement(path, "entrypoint", "file named on the command line (" + arg + ")"));
      } else if (MODULE_ARG.matcher(arg).matches()) {
        argModules.add(arg.split(":")[0]);
      }
    }
    argModules.addAll(appModules);
    if (!argModules.isEmpty()) {
      String pythonPath = env.get("PYTHONPATH");
      env.put("PYTHONPATH", run.workdir() + (pythonPath == null || pythonPath.isEmpty() ? "" : ":" + pythonPath));
    }
    PythonLayout layout = PythonLayout.compute(root, interpreter, env, parsed.get().launch());
    interpreterDirs.add(layout.prefix());
    interpreterDirs.add(layout.execPrefix());
    layout.venvPrefix().ifPresent(interpreterDirs::add);
    interpreterDirs.addAll(layout.sysPath());
    ModuleFinder finder = new ModuleFinder(root, layout);
    Map<String, Requirement> seen = new LinkedHashMap<>();
    for (String f : options.extraPythonFiles()) {
      if (layout.startupHook(f)) {
        continue;
      }
      Requirement by = options.extra().stream().filter(r -> r.path().equals(f)).findFirst()
          .orElse(new Requirement(f, "probe", "seen loaded"));
      ModuleNames.of(layout.sysPath(), f).filter(m -> finder.find(m).isPresent()).ifPresent(m -> seen.putIfAbsent(m, by));
    }
    List<String> named = argModules.stream().distinct().filter(m -> finder.find(m).isPresent()).toList();
    PythonClosure.Result result = PythonClosure.analyse(root, layout, Knowledge.load(), named, seen);
    files.addAll(result.requirements());
    modules.addAll(result.modules());
    result.missing().forEach(m -> problems.add((appCode(m, run.workdir()) ? APP_IMPORT_MISSING : NO_MODULE) + m.module() + " for " + m.statement()
        + " (" + m.importer() + ":" + m.line() + ")"));
    namedByApp(root, run, files, result);
    if (parsed.get().launch().mode() == dev.shrink.python.Launch.Mode.SCRIPT) {
      scripts.add(parsed.get().launch().scriptPath());
    }
    Set<String> frozen = new TreeSet<>();
    Set<String> importSystem = new TreeSet<>();
    boolean off = args.stream().anyMatch(a -> a.endsWith("frozen_modules=off"));
    for (String m : result.modules()) {
      Optional<PyModule> pm = finder.find(m).filter(f -> f.kind() == PyModule.Kind.FROZEN && f.file() != null);
      if (pm.isPresent() && ModuleFinder.isImportSystem(m)) {
        importSystem.add(pm.get().file());
      }
      if (pm.isPresent() && (!off || ModuleFinder.isImportSystem(m))) {
        frozen.add(pm.get().file());
      }
    }
    return new PythonRun(interpreter, layout, scripts, frozen, importSystem, result.notes());
  }

  /**
   * What the app's own code (outside the interpreter's library) names by literal: programs it
   * starts (found on PATH, with their own ELF closure later) and absolute paths of files it opens.
   */
  private static void namedByApp(RootFs root, RunCommand run, FileSet files, PythonClosure.Result result) {
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
        RunCommand.which(root, name, run.env(), run.workdir()).ifPresent(found ->
            files.add(new Requirement(found, "python", "program started by name '" + name + "' in " + p)));
      }
      for (String path : ProgramScanner.paths(source)) {
        if (root.isRegularFile(path)) {
          files.add(new Requirement(path, "python", "path literal '" + path + "' in " + p));
        }
      }
    }
  }

  /** The application directories are the user's own: kept whole. */
  private static void appDirectory(RootFs root, List<String> appDirs, FileSet files) {
    for (String dir : appDirs) {
      if (root.isDirectory(dir)) {
        for (String path : root.glob(dir + "/**")) {
          files.add(new Requirement(path, "app", "application directory (WORKDIR " + dir + ")"));
        }
      }
    }
  }

  /** Adds the library closure of every ELF file kept and not analysed yet. */
  private static void resolveElf(RootFs root, Map<String, String> env, FileSet files, Set<String> done, List<String> problems) throws IOException {
    LibraryResolver resolver = new LibraryResolver(root, env);
    boolean changed = true;
    while (changed) {
      changed = false;
      for (String path : new ArrayList<>(files.paths())) {
        Path host = root.host(path);
        if (done.contains(path) || !Files.isRegularFile(host, LinkOption.NOFOLLOW_LINKS)) {
          continue;
        }
        done.add(path);
        if (ElfFile.parse(host).isEmpty()) {
          continue;
        }
        LibraryResolver.Closure closure = resolver.resolve(path);
        files.addAll(closure.requirements());
        closure.missing().forEach(m -> problems.add("elf: " + m.neededBy() + " needs " + m.name() + ", not found (searched " + m.searched() + ")"));
        changed = true;
      }
    }
  }

  /**
   * Drops the paths matching an exclude glob, except those a repair added: a failed verification
   * proved the image needs them, which outweighs the wish to leave them out (a warning says so).
   */
  private static FileSet exclude(FileSet files, List<PathMatcher> excludes, List<String> problems) {
    if (excludes.isEmpty()) {
      return files;
    }
    Set<String> drop = new HashSet<>();
    for (Map.Entry<String, List<Requirement>> e : files.reasons().entrySet()) {
      if (excludes.stream().anyMatch(m -> m.matches(Path.of(e.getKey())))) {
        if (e.getValue().stream().anyMatch(r -> r.analyser().equals(REPAIR))) {
          problems.add("kept " + e.getKey() + " although an --exclude matches it: the shrunk image failed without it (repair)");
        } else {
          drop.add(e.getKey());
        }
      }
    }
    return files.without(drop);
  }

  /**
   * {@code PYTHONOPTIMIZE=N} in the config's Env (replacing the image's own), so that {@code
   * sys.flags.optimize} says what the bytecode is: libraries that check it before they use
   * docstrings (numpy's {@code add_docstring} does) would otherwise fail on -O2 bytecode.
   */
  private static void optimizeEnv(ObjectNode config, int level) {
    ObjectNode c = (ObjectNode) config.get("config");
    List<String> others = new ArrayList<>();
    c.path("Env").forEach(e -> {
      if (!e.asString().startsWith("PYTHONOPTIMIZE=")) {
        others.add(e.asString());
      }
    });
    ArrayNode env = c.putArray("Env");
    others.forEach(env::add);
    env.add("PYTHONOPTIMIZE=" + level);
  }

  private static ObjectNode outputConfig(ImageConfig source, RunCommand run, Essentials user, long epoch, String createdBy,
      Collection<LayerSplit.Part> parts) {
    ObjectNode doc = source.copy();
    ObjectNode c = doc.has("config") && doc.get("config").isObject() ? (ObjectNode) doc.get("config") : doc.putObject("config");
    c.put("User", user.configUser());
    ArrayNode ep = c.putArray("Entrypoint");
    run.entrypoint().forEach(ep::add);
    if (run.cmd().isEmpty()) {
      c.remove("Cmd");
    } else {
      ArrayNode cmd = c.putArray("Cmd");
      run.cmd().forEach(cmd::add);
    }
    if (run.entrypoint().isEmpty()) {
      c.remove("Entrypoint");
    }
    c.put("WorkingDir", run.workdir());
    c.remove("Shell");
    c.remove("Healthcheck");
    doc.remove("history");
    ArrayNode history = doc.putArray("history");
    for (LayerSplit.Part part : parts) {
      ObjectNode h = history.addObject();
      h.put("created", java.time.Instant.ofEpochSecond(epoch).toString());
      h.put("created_by", createdBy + " (" + part.label() + " layer)");
      h.put("comment", "FROM scratch: only the files the command needs; " + part.description());
    }
    doc.put("created", java.time.Instant.ofEpochSecond(epoch).toString());
    return doc;
  }

}

package dev.shrink.minify;

import dev.shrink.closure.Requirement;
import dev.shrink.elf.ElfFile;
import dev.shrink.elf.ElfStrip;
import dev.shrink.elf.LibraryResolver;
import dev.shrink.fs.RootFs;
import dev.shrink.fs.SystemPaths;
import dev.shrink.python.PythonAnalysis;
import dev.shrink.python.PythonCommandLine;
import dev.shrink.python.PythonLayout;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The steps of minify, in order, over one {@link Selection}: what the command needs (the
 * analysers), then what narrows or rewrites it. {@link Minifier} writes the result as layers.
 */
final class Pipeline {
  private final RootFs root;
  private final String name;
  private final String imageUser;
  private final Path workDir;
  private final Minifier.Options options;
  private final HostRoot host;
  final RunCommand run;
  final List<String> appDirs;
  final long epoch;
  private List<String> outward = List.of();
  PythonAnalysis.Result python;
  Essentials user;
  final DpkgStatus dpkg;

  Pipeline(RootFs root, RunCommand run, String imageUser, String name, Path workDir, Minifier.Options options, long epoch) {
    this.root = root;
    this.run = run;
    this.imageUser = imageUser;
    this.name = name;
    this.workDir = workDir;
    this.options = options;
    this.host = options.host();
    this.appDirs = host == null ? appDirs(run.workdir()) : host.namedDirs();
    this.epoch = epoch;
    this.dpkg = new DpkgStatus(root, workDir.resolve("dpkg-status"));
  }

  /** The steps, in the order they run. */
  List<Step> steps() {
    return List.of(
        s -> s.files.addAll(run.requirements()),
        this::appFiles,
        this::python,
        this::traced,
        this::purePython,
        this::elf,
        s -> s.files.addAll(SystemKnowledge.load().apply(root, s.files.paths(), s.modules, run.env())),
        this::includes,
        this::elf,
        this::workdir,
        s -> s.files = host == null ? s.files : host.guard(s.files, s.interpreterDirs, s.problems),
        this::exclude,
        this::hostCheck,
        this::essentials,
        this::unread,
        this::sourceless,
        this::stdlibZip,
        this::strip,
        dpkg);
  }

  /** Runs the steps on a new selection of {@code root}. */
  Selection select() throws IOException {
    Selection s = new Selection(new FileSet(root));
    for (Step step : steps()) {
      step.apply(s);
    }
    return s;
  }

  PythonLayout layout() {
    return python == null ? null : python.layout();
  }

  /** The application directory of an image: the WORKDIR, unless it is a system directory. */
  private static List<String> appDirs(String workdir) {
    String dir = RootFs.normalize(workdir);
    return dir.equals("/") || SystemPaths.OS_DIRS.contains(dir) ? List.of() : List.of(dir);
  }

  /** The application directories are the user's own: kept whole; on a host root, what the user named. */
  private void appFiles(Selection s) throws IOException {
    if (host != null) {
      outward = host.keepNamed(root, s.files);
      return;
    }
    for (String dir : appDirs) {
      if (root.isDirectory(dir)) {
        for (String path : root.glob(dir + "/**")) {
          s.files.add(new Requirement(path, "app", "application directory (WORKDIR " + dir + ")"));
        }
      }
    }
  }

  /** The Python analysis of the first program that is a Python interpreter. */
  private void python(Selection s) {
    for (int i = 0; i < run.programs().size(); i++) {
      String program = run.programs().get(i);
      String real = root.resolve(program).map(RootFs.Resolved::path).orElse(program);
      s.interpreterDirs.add(program);
      s.interpreterDirs.add(real);
      if (PythonCommandLine.isInterpreter(real)) {
        List<String> appModules = host == null ? List.of() : host.appModules(root);
        Optional<PythonAnalysis.Result> found = PythonAnalysis.analyse(new PythonAnalysis.Input(root, program,
            run.interpreterArgs().get(i), run.env(), run.workdir(), appModules, options.extraPythonFiles(), options.extra()));
        if (found.isEmpty()) {
          s.problems.add("python is started without a script or module; nothing to analyse");
          return;
        }
        python = found.get();
        s.interpreterDirs.addAll(python.interpreterDirs());
        s.files.addAll(python.requirements());
        s.modules.addAll(python.modules());
        s.problems.addAll(python.problems());
        return;
      }
    }
  }

  /** Paths a traced run saw; site.py's start-up hooks it loaded are left to the Python analysis (see PythonLayout.startupHook). */
  private void traced(Selection s) {
    PythonLayout layout = layout();
    s.files.addAll(options.extra().stream().filter(r -> layout == null || !layout.startupHook(r.path())).toList());
  }

  private String pycTag() {
    return python == null ? null : "cpython-" + python.layout().versionNoDot();
  }

  /** Compiled modules replaced by their own sources where both ship ({@code --pure-python}). */
  private void purePython(Selection s) throws IOException {
    if (python != null && options.purePython()) {
      PurePython.Result pure = PurePython.swap(s.files, python.layout().sysPath(), pycTag());
      s.files = pure.kept();
      pure.swapped().forEach((extension, source) ->
          s.dropped.put(extension, "compiled from " + source + ", which is kept instead (--pure-python)"));
    }
  }

  /** Adds the library closure of every ELF file kept and not analysed yet. */
  private void elf(Selection s) throws IOException {
    LibraryResolver resolver = new LibraryResolver(root, run.env());
    boolean changed = true;
    while (changed) {
      changed = false;
      for (String path : new ArrayList<>(s.files.paths())) {
        Path file = root.host(path);
        if (s.elfDone.contains(path) || !Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
          continue;
        }
        s.elfDone.add(path);
        if (ElfFile.parse(file).isEmpty()) {
          continue;
        }
        LibraryResolver.Closure closure = resolver.resolve(path);
        s.files.addAll(closure.requirements());
        closure.missing().forEach(m -> s.problems.add("elf: " + m.neededBy() + " needs " + m.name() + ", not found (searched " + m.searched() + ")"));
        changed = true;
      }
    }
  }

  /** What the user asked to keep ({@code --include}); a pattern matching nothing is an error. */
  private void includes(Selection s) {
    for (String pattern : options.includes()) {
      List<String> matches = root.glob(pattern);
      if (matches.isEmpty()) {
        throw new IllegalArgumentException("--include " + pattern + " matches nothing in " + name);
      }
      for (String p : matches) {
        s.files.add(new Requirement(p, "include", "--include " + pattern));
      }
    }
  }

  private void workdir(Selection s) {
    if (!s.files.contains(run.workdir()) && root.isDirectory(run.workdir())) {
      s.files.add(new Requirement(run.workdir(), "essentials", "WORKDIR"));
    }
  }

  /**
   * Drops the paths matching an exclude glob, except those a repair added: a failed verification
   * proved the image needs them, which outweighs the wish to leave them out (a warning says so).
   */
  private void exclude(Selection s) {
    List<PathMatcher> excludes = options.excludes().stream().map(g -> FileSystems.getDefault().getPathMatcher("glob:" + g)).toList();
    if (excludes.isEmpty()) {
      return;
    }
    Set<String> drop = new HashSet<>();
    for (Map.Entry<String, List<Requirement>> e : s.files.reasons().entrySet()) {
      if (excludes.stream().anyMatch(m -> m.matches(Path.of(e.getKey())))) {
        if (e.getValue().stream().anyMatch(r -> r.analyser().equals(Minifier.REPAIR))) {
          s.problems.add("kept " + e.getKey() + " although an --exclude matches it: the shrunk image failed without it (repair)");
        } else {
          drop.add(e.getKey());
        }
      }
    }
    s.files = s.files.without(drop);
  }

  /** On a host root, problems of what is finally kept (see {@link HostRoot#check}). */
  private void hostCheck(Selection s) {
    if (host != null) {
      host.check(s.files, outward, s.problems);
    }
  }

  /** The run user's account, and a writable /tmp. */
  private void essentials(Selection s) throws IOException {
    user = host == null ? Essentials.of(root, imageUser, options.user()) : Essentials.synthesized(options.user());
    Path extraDir = Files.createDirectories(workDir.resolve("extra"));
    s.written.put("/etc/passwd", Files.writeString(extraDir.resolve("passwd"), user.passwd(), StandardCharsets.UTF_8));
    s.written.put("/etc/group", Files.writeString(extraDir.resolve("group"), user.group(), StandardCharsets.UTF_8));
    s.files.addSynthetic(Essentials.requirement("/etc/passwd", "account of the run user " + user.userName() + " (" + user.configUser() + ")"));
    s.files.addSynthetic(Essentials.requirement("/etc/group", "group of the run user"));
    s.dirs.put("/tmp", 01777);
    s.files.addSynthetic(Essentials.requirement("/tmp", "writable temp directory (mode 1777) for a read-only root"));
  }

  private void unread(Selection s) {
    if (python != null) {
      Unread.Result unread = Unread.drop(s.files, pycTag());
      s.files = unread.kept();
      s.dropped.putAll(unread.dropped());
    }
  }

  /** Sourceless bytecode for the kept sources, and the frozen modules' bytecode the interpreter never reads dropped. */
  private void sourceless(Selection s) throws IOException {
    if (python == null || options.keepSources()) {
      return;
    }
    PythonLayout layout = python.layout();
    Set<String> frozen = python.frozenFiles(s.files.reasons());
    Sourceless.Interpreter interpreter = new Sourceless.Interpreter(python.interpreter(), layout.version(), layout.sysPath(),
        python.scripts());
    for (String dir : appDirs) {
      // top-level files of the app are programs a user may start (cli.py, manage.py): their source stays
      interpreter = interpreter.withScripts(root.glob(dir + "/*.py"));
    }
    Sourceless.Result sourceless = Sourceless.apply(s.files, interpreter, options.bytecode(), options.compiler(), workDir.resolve("bytecode"),
        s.problems);
    s.files = sourceless.kept();
    s.written.putAll(sourceless.moved());
    Map<String, String> unused = python.unusedBytecode(frozen, s.written.keySet(), sourceless.frozenModules());
    s.files = s.files.without(unused.keySet());
    s.written.keySet().removeAll(unused.keySet());
    s.dropped.putAll(unused);
  }

  private void stdlibZip(Selection s) throws IOException {
    if (python == null || !options.output().zipStdlib()) {
      return;
    }
    PythonLayout layout = python.layout();
    Optional<StdlibZip.Result> zip = StdlibZip.apply(s.files, layout.stdlibZip(), layout.stdlibDir(), s.written,
        workDir.resolve("stdlib").resolve(Path.of(layout.stdlibZip()).getFileName()), epoch);
    if (zip.isPresent()) {
      s.files = zip.get().kept();
      s.archives = Map.of(zip.get().zip(), zip.get().members());
      s.written.keySet().removeAll(zip.get().members().keySet());
      s.written.put(zip.get().zip(), zip.get().file());
    }
  }

  /**
   * Stripped copies of the kept ELF files that carry a symbol table or debug sections
   * ({@code --strip}); files shrink writes itself are not ELF.
   */
  private void strip(Selection s) throws IOException {
    if (!options.output().strip()) {
      return;
    }
    Path dir = workDir.resolve("stripped");
    Map<String, Path> out = new HashMap<>();
    for (String path : s.files.paths()) {
      Path file = s.files.root().host(path);
      if (s.written.containsKey(path) || !Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
        continue;
      }
      Optional<ElfFile> elf = ElfFile.parse(file);
      if (elf.isPresent() && (elf.get().hasSymtab() || elf.get().hasDebugInfo())) {
        Path target = Files.createDirectories(dir).resolve(out.size() + "-" + file.getFileName());
        if (ElfStrip.strip(file, target)) {
          out.put(path, target);
        }
      }
    }
    s.stripped = out;
  }
}

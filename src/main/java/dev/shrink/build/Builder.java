package dev.shrink.build;

import dev.shrink.bytecode.Compiler;
import dev.shrink.bytecode.Target;
import dev.shrink.engine.Engine;
import dev.shrink.fs.RootFs;
import dev.shrink.fs.SystemPaths;
import dev.shrink.image.ImageConfig;
import dev.shrink.json.Json;
import dev.shrink.minify.HostRoot;
import dev.shrink.minify.Minifier;
import dev.shrink.minify.RunCommand;
import dev.shrink.probe.ContainerRunner;
import dev.shrink.probe.HostProcessTracer;
import dev.shrink.probe.HostStrace;
import dev.shrink.probe.Probe;
import dev.shrink.probe.Tracer;
import dev.shrink.python.Launch;
import dev.shrink.python.PythonAnalysis;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * shrink build: a FROM-scratch image of an application directory and an interpreter of this
 * machine. The machine's root filesystem is analysed read-only, as {@code minify} analyses an
 * image's, with the app directory (and every {@code --copy}) mounted into the view; the image
 * config is made up from the command and {@code --env} alone.
 */
public final class Builder {
  private Builder() {}

  /**
   * The machine a build runs on: its root directory, the current directory, the user's home
   * directories (besides these, nothing under /root and /home is taken unless named) and the
   * user's PATH, where the default interpreter of a script or module is looked up.
   */
  public record Host(Path root, Path cwd, List<Path> homes, List<String> path) {
    /** A machine whose user has no PATH: the default interpreter is python3 on the image's PATH. */
    public Host(Path root, Path cwd, List<Path> homes) {
      this(root, cwd, homes, List.of());
    }

    /** This machine: "/", the working directory, $HOME and the JVM's user.home (from the passwd entry), $PATH. */
    public static Host current() {
      List<Path> homes = new ArrayList<>();
      String home = System.getenv("HOME");
      if (home != null && !home.isBlank()) {
        homes.add(Path.of(home));
      }
      homes.add(Path.of(System.getProperty("user.home")));
      String path = System.getenv("PATH");
      return new Host(Path.of("/"), Path.of("").toAbsolutePath(), homes, path == null ? List.of() : List.of(path.split(":")));
    }
  }

  /** A host file or directory to put at an image path. */
  public record Copy(Path source, String target) {}

  /**
   * What to build.
   *
   * @param appDir the application directory on this machine (relative to the current directory)
   * @param appPath where it goes in the image, also the WORKDIR (default "/app")
   * @param copies other host files and directories to put into the image
   * @param env the image's environment, besides PATH (which it may replace)
   * @param user {@code UID[:GID]} or null for 65532
   * @param python the interpreter for a script or {@code -m} COMMAND: a path on this machine, or a
   *     name looked up on the image's PATH; null for "python3"
   * @param command the COMMAND, paths as they are inside the image (relative ones from the WORKDIR)
   * @param excludes globs of image paths never to keep
   * @param bytecode the form of the modules (sources or sourceless bytecode, compiled by the interpreter of this machine)
   */
  public record Spec(Path appDir, String appPath, List<Copy> copies, Map<String, String> env, String user, String python,
      List<String> command, List<String> excludes, Minifier.Bytecode bytecode) {
    public Spec(Path appDir, String appPath, List<Copy> copies, Map<String, String> env, String user, String python,
        List<String> command, List<String> excludes, boolean keepSources) {
      this(appDir, appPath, copies, env, user, python, command, excludes, new Minifier.Bytecode(keepSources, Target.defaults(), false));
    }

    public Spec {
      appPath = appPath == null ? "/app" : appPath;
      copies = List.copyOf(copies);
      env = new LinkedHashMap<>(env);
      command = List.copyOf(command);
      excludes = List.copyOf(excludes);
    }
  }

  /**
   * What the image runs, after the script/module/venv rules, and notes for the user.
   *
   * @param python the Python interpreter the command runs, with its real path and version, or null
   */
  public record Plan(RootFs root, ImageConfig config, HostRoot hostRoot, List<String> entrypoint, List<String> notes, String python) {}

  /** The plan and the image made from it (its layer lives in the work directory) with the report. */
  public record Built(Plan plan, Minifier.Result result) {}

  /** Builds: plans, then minifies the view; the layers are written under {@code workDir} as {@code output} says. */
  public static Built build(Spec spec, Minifier.Output output, Host host, Path workDir) throws IOException {
    return build(plan(spec, host, workDir), spec, output, workDir, null);
  }

  /**
   * Minifies the plan's view; what a traced run used ({@link #trace}, or null) joins the static
   * closure as minify's probe does, and the host guard ({@link HostRoot}) still refuses private files.
   */
  public static Built build(Plan plan, Spec spec, Minifier.Output output, Path workDir, Tracer.Result traced) throws IOException {
    Minifier.Options o = Minifier.Options.builder().command(new Minifier.Command(null, null, spec.user()))
        .paths(new Minifier.PathRules(List.of(), spec.excludes())).bytecode(spec.bytecode()).compiler(Compiler.onHost(plan.root()))
        .output(output).host(plan.hostRoot())
        .traced(traced == null ? Minifier.Traced.NONE : new Minifier.Traced(traced.requirements(), traced.pythonFiles())).build();
    String name = "build of " + plan.root().host(plan.hostRoot().appDir());
    Minifier.Result result = Minifier.minify(plan.root(), plan.config(), name, null, workDir, o);
    List<String> missing = result.report().problems().stream().filter(p -> p.startsWith(PythonAnalysis.APP_IMPORT_MISSING))
        .map(p -> p.substring(PythonAnalysis.APP_IMPORT_MISSING.length())).toList();
    if (!missing.isEmpty()) {
      result.image().close();
      throw new IllegalArgumentException("the app's own code imports modules the interpreter " + plan.python() + " cannot find, so the image "
          + "would fail: " + String.join("; ", missing) + ". Nothing was written. Install them for that interpreter (or choose another with "
          + "--python), or guard an optional import with try/except ImportError");
    }
    return new Built(plan, result);
  }

  /**
   * Runs the plan's command on this machine under its strace, once per probe, with no container
   * and no sandbox (see {@link HostProcessTracer}): image paths under the app directory and the
   * copies are run from where they are here, the current directory is the app directory, and the
   * environment is the image's (PATH and --env) and PYTHONDONTWRITEBYTECODE=1 (unless --env sets
   * it), so that the run leaves no bytecode in the app directory. {@code limits} gives the time limits.
   * site.py reads every {@code .pth} file of this machine and runs their start-up hooks: the
   * minifier leaves those to the Python analysis ({@code PythonLayout.startupHook}).
   */
  public static Tracer.Result trace(Plan plan, List<Probe> probes, ContainerRunner.Settings limits, Path workDir) throws IOException {
    Map<String, String> env = new LinkedHashMap<>(plan.config().envMap());
    env.putIfAbsent("PYTHONDONTWRITEBYTECODE", "1");
    ContainerRunner.Settings settings = new ContainerRunner.Settings(plan.entrypoint(), List.of(), limits.startup(), limits.commandTimeout(),
        limits.stopGrace());
    return new HostProcessTracer(HostStrace.find(), settings).trace(plan.root(), plan.hostRoot().appDir(), env, probes, workDir);
  }

  /**
   * Checks the inputs and makes the view and the config. Refuses an app directory or copy that is
   * the machine's root, a system directory, a home directory or holds one.
   */
  public static Plan plan(Spec spec, Host host, Path workDir) throws IOException {
    List<String> notes = new ArrayList<>();
    Path app = realDirectory("--app", spec.appDir(), host);
    refuseMachineDirectory("--app", spec.appDir(), app, host);
    String appPath = mountPoint("--app", spec.appDir() + ":" + spec.appPath(), spec.appPath());
    RootFs root = mount(new RootFs(host.root()), appPath, app, workDir);
    appPath = added(root, app);
    List<String> copies = new ArrayList<>();
    for (Copy c : spec.copies()) {
      Path real = copySource(c, host);
      String target = mountPoint("--copy", c.source() + ":" + c.target(), c.target());
      if (target.equals(appPath)) {
        throw new IllegalArgumentException("--copy " + c.source() + ":" + c.target() + ": " + target + " is where the app directory goes");
      }
      root = mount(root, target, real, workDir);
      copies.add(added(root, real));
    }

    List<String> argv = command(spec, host, root, appPath, notes);
    Map<String, String> env = new LinkedHashMap<>();
    env.put("PATH", venvBin(root, argv.get(0), appPath).map(bin -> bin + ":" + SystemPaths.DEFAULT_PATH).orElse(SystemPaths.DEFAULT_PATH));
    spec.env().forEach((k, v) -> {
      if (k.isEmpty() || k.contains("=")) {
        throw new IllegalArgumentException("--env " + k + "=" + v + ": not a variable name");
      }
      env.put(k, v);
    });
    ImageConfig config = config(argv, env, appPath);
    String wanted = spec.python() != null && !isScriptOrModule(spec.command().get(0)) ? pythonPath(spec.python(), host, root, appPath, notes) : null;
    String python = python(root, config, app, appPath, wanted);
    HostRoot hostRoot = new HostRoot(appPath, copies,
        homes(host).stream().filter(h -> Path.of(h).startsWith(host.root())).map(h -> imagePathOf(host, h)).toList());
    return new Plan(root, config, hostRoot, List.copyOf(argv), List.copyOf(notes), python);
  }

  /** The real path of a --copy source, which must exist and be no machine directory. */
  private static Path copySource(Copy c, Host host) throws IOException {
    Path src = host.cwd().resolve(c.source()).normalize();
    if (!Files.exists(src)) {
      throw new IllegalArgumentException("--copy " + c.source() + ":" + c.target() + ": " + src + " does not exist");
    }
    Path real = src.toRealPath();
    if (Files.isDirectory(real)) {
      refuseMachineDirectory("--copy", c.source(), real, host);
    }
    return real;
  }

  /** The image config of a build: this machine's architecture, the environment, the command and the app directory. */
  private static ImageConfig config(List<String> argv, Map<String, String> env, String appPath) {
    ObjectNode doc = Json.object();
    doc.put("architecture", architecture());
    doc.put("os", "linux");
    ObjectNode c = doc.putObject("config");
    ArrayNode e = c.putArray("Env");
    env.forEach((k, v) -> e.add(k + "=" + v));
    ArrayNode ep = c.putArray("Entrypoint");
    argv.forEach(ep::add);
    c.put("WorkingDir", appPath);
    ObjectNode rootfs = doc.putObject("rootfs");
    rootfs.put("type", "layers");
    rootfs.putArray("diff_ids");
    return ImageConfig.parse(Json.bytes(doc), "the build's config");
  }

  /** Home directories as given and as real paths: /root, /home and each of the host's homes. */
  private static List<String> homes(Host host) throws IOException {
    List<String> homes = new ArrayList<>(List.of(host.root().resolve("root").toString(), host.root().resolve("home").toString()));
    for (Path h : host.homes()) {
      Path abs = host.cwd().resolve(h).normalize();
      homes.add(abs.toString());
      if (Files.isDirectory(abs)) {
        homes.add(abs.toRealPath().toString());
      }
    }
    return homes;
  }

  /**
   * The Python interpreter COMMAND runs, as {@code PATH (REAL PATH, Python X.Y.Z)}, or null when it
   * runs none; a script it is given that the image does not have is an error.
   */
  private static String python(RootFs root, ImageConfig config, Path app, String appPath, String wanted) throws IOException {
    var python = RunCommand.resolve(root, config, null, null).python(root);
    if (wanted != null) {
      String program = config.entrypoint().get(0);
      String runs = python.map(RunCommand.Python::interpreter).orElse(null);
      if (runs == null || !sameInterpreter(root, runs, wanted)) {
        throw new IllegalArgumentException("--python " + wanted + " and COMMAND disagree: the program " + program + " runs "
            + (runs == null ? "no Python interpreter" : runs + (realPath(root, runs).equals(runs) ? "" : " (" + realPath(root, runs) + ")"))
            + " (its #! line), not " + wanted + (realPath(root, wanted).equals(wanted) ? "" : " (" + realPath(root, wanted) + ")")
            + ". Drop --python, or run the program with it: -- " + wanted + " " + program + " ...");
      }
    }
    if (python.isEmpty()) {
      return null;
    }
    Launch launch = python.get().launch();
    if (launch.mode() == Launch.Mode.SCRIPT && !root.isRegularFile(launch.scriptPath())) {
      throw new IllegalArgumentException("the script COMMAND runs, " + launch.scriptPath() + ", is not in the image (the app directory " + app
          + " is at " + appPath + ")");
    }
    String interpreter = python.get().interpreter();
    String real = root.resolve(interpreter).map(RootFs.Resolved::path).orElse(interpreter);
    String version;
    try {
      Engine.Result r = Engine.exec(List.of(root.host(real).toString(), "--version"), Map.of(), 30);
      version = (r.stdout() + r.stderr()).strip();
    } catch (IOException e) {
      version = "version unknown: " + e.getMessage();
    }
    return interpreter + (real.equals(interpreter) ? " (" : " (" + real + ", ") + version + ")";
  }

  private static String imagePathOf(Host host, String hostPath) {
    return "/" + host.root().toAbsolutePath().normalize().relativize(Path.of(hostPath)).toString();
  }

  /**
   * The entrypoint: a script ({@code app.py}) or module ({@code -m pkg}) COMMAND gets the
   * interpreter in front; a program runs as given. A virtual environment inside the app directory
   * is run where pyvenv.cfg says it was made.
   */
  private static List<String> command(Spec spec, Host host, RootFs root, String appPath, List<String> notes) {
    List<String> cmd = spec.command();
    if (cmd.isEmpty()) {
      throw new IllegalArgumentException("no COMMAND: give what the image runs after --, e.g. -- python3 app.py");
    }
    String first = cmd.get(0);
    boolean script = !first.startsWith("-") && isScriptOrModule(first);
    List<String> argv = new ArrayList<>();
    if (isScriptOrModule(first)) {
      String python = spec.python() == null ? defaultPython(host, root, appPath, notes) : pythonPath(spec.python(), host, root, appPath, notes);
      argv.add(python);
      if (script) {
        argv.add(first.startsWith("/") ? RootFs.normalize(first) : RootFs.normalize(appPath + "/" + first));
      } else {
        argv.add(first);
      }
      argv.addAll(cmd.subList(1, cmd.size()));
      return argv;
    }
    if (first.startsWith("-")) {
      throw new IllegalArgumentException("COMMAND starts with the option " + first + "; give a program, a script (app.py) or -m MODULE");
    }
    String program = first;
    if (first.contains("/")) {
      String abs = RootFs.normalize(first.startsWith("/") ? first : appPath + "/" + first);
      String home = venvHome(root, abs, appPath, notes);
      program = home.equals(abs) ? first : home;
    }
    argv.add(program);
    argv.addAll(cmd.subList(1, cmd.size()));
    return argv;
  }

  /** A COMMAND that --python runs: {@code -m MODULE} or a script (.py, .pyc, .pyz). */
  private static boolean isScriptOrModule(String first) {
    return first.equals("-m") || (first.startsWith("-m") && first.length() > 2) || (!first.startsWith("-") && first.matches(".*\\.(py|pyc|pyz)"));
  }

  /**
   * The interpreter of a script or module when --python is not given: python3 on the user's PATH,
   * as their shell finds it; just "python3" (found on the image's PATH) when that is the same
   * file, or when the user's PATH has none.
   */
  private static String defaultPython(Host host, RootFs root, String appPath, List<String> notes) {
    Optional<Path> users = host.path().stream().filter(d -> !d.isEmpty()).map(d -> host.cwd().resolve(d).resolve("python3"))
        .filter(p -> Files.isRegularFile(p) && Files.isExecutable(p)).findFirst();
    if (users.isEmpty()) {
      return "python3";
    }
    String image = pythonPath(users.get().toString(), host, root, appPath, notes);
    if (sameInterpreter(root, "python3", image)) {
      return "python3";
    }
    notes.add("python3 on your PATH is " + users.get() + (image.equals(users.get().toString()) ? "" : " (" + image + ")")
        + ": the image runs it (--python chooses another)");
    return image;
  }

  /**
   * --python: a name stays a name (found on the image's PATH); a path of this machine becomes its
   * image path. A wrapper script (a pyenv shim) is run once to learn the interpreter it starts
   * ({@code sys.executable}), which is taken instead; one that does not name one is refused.
   */
  private static String pythonPath(String python, Host host, RootFs root, String appPath, List<String> notes) {
    if (!python.contains("/")) {
      return python;
    }
    Path abs = host.cwd().resolve(python).normalize();
    if (!Files.exists(abs)) {
      throw new IllegalArgumentException("--python " + python + ": " + abs + " does not exist");
    }
    if (isScript(abs)) {
      Path real = wrapped(python, abs);
      notes.add(python + " is a wrapper script; the interpreter it runs, " + real + ", is taken");
      abs = real;
    }
    String image = imagePathInView(root, host, abs);
    return venvHome(root, image, appPath, notes);
  }

  private static boolean isScript(Path file) {
    try (var in = Files.newInputStream(file)) {
      byte[] head = in.readNBytes(2);
      return head.length == 2 && head[0] == '#' && head[1] == '!';
    } catch (IOException e) {
      return false;
    }
  }

  /** The interpreter a wrapper script starts, from {@code sys.executable}; a clear error when it names none. */
  private static Path wrapped(String python, Path wrapper) {
    String cannot = "--python " + python + " is a wrapper script (it starts with #!), not an interpreter, and shrink cannot tell which "
        + "interpreter it runs: ";
    String said;
    try {
      Engine.Result r = Engine.exec(List.of(wrapper.toString(), "-c", "import sys; print(sys.executable)"), Map.of(), 30);
      said = r.stdout().strip();
      if (r.exitCode() != 0 || said.isEmpty()) {
        throw new IllegalArgumentException(cannot + "running it with -c exited " + r.exitCode() + " (" + r.stderr().strip() + "). Give the "
            + "interpreter's own path");
      }
    } catch (IOException e) {
      throw new IllegalArgumentException(cannot + e.getMessage() + ". Give the interpreter's own path", e);
    }
    Path real = Path.of(said);
    if (!real.isAbsolute() || !Files.isRegularFile(real) || isScript(real)) {
      throw new IllegalArgumentException(cannot + "it names " + said + ", which is not an interpreter's file. Give the interpreter's own path");
    }
    return real;
  }

  /** The same file, in the same virtual environment or in none (a venv's python is a link to its base interpreter). */
  private static boolean sameInterpreter(RootFs root, String a, String b) {
    Optional<String> x = onPath(root, a);
    Optional<String> y = onPath(root, b);
    return x.isPresent() && y.isPresent() && realPath(root, x.get()).equals(realPath(root, y.get()))
        && java.util.Objects.equals(venvOf(root, x.get()), venvOf(root, y.get()));
  }

  /** An image path as it is; a name where the image's default PATH finds it. */
  private static Optional<String> onPath(RootFs root, String program) {
    return program.startsWith("/") ? Optional.of(program)
        : Stream.of(SystemPaths.DEFAULT_PATH.split(":")).map(d -> d + "/" + program).filter(root::isRegularFile).findFirst();
  }

  private static String realPath(RootFs root, String imagePath) {
    return root.resolve(imagePath).map(RootFs.Resolved::path).orElse(imagePath);
  }

  /** The image path of a host path: under a mount when it is in a mounted directory, else the same path. */
  private static String imagePathInView(RootFs root, Host host, Path abs) {
    for (RootFs.Mount m : root.mounts()) {
      if (abs.startsWith(m.host())) {
        return root.imagePath(abs);
      }
      try {
        Path real = abs.getParent().toRealPath().resolve(abs.getFileName());
        if (real.startsWith(m.host())) {
          return root.imagePath(real);
        }
      } catch (IOException e) {
        // not there: not in the mount
      }
    }
    return imagePathOf(host, abs.toString());
  }

  /**
   * A program in a virtual environment inside the app directory: the venv stays where it was made
   * (pyvenv.cfg's {@code command}), so its scripts' {@code #!} lines and pyvenv.cfg hold; that is
   * its place on this machine unless it was made at its path in the image. Under a tmpfs
   * directory (/tmp) of this machine it stays in the app directory instead.
   */
  private static String venvHome(RootFs root, String program, String appPath, List<String> notes) {
    String venv = venvOf(root, program);
    if (venv == null || !RootFs.under(venv, appPath)) {
      return program;
    }
    String made = madeAt(root, venv + "/pyvenv.cfg");
    if (made != null && RootFs.normalize(made).equals(venv)) {
      return program;
    }
    Path hostVenv = root.host(venv);
    String there = hostVenv.toString();
    if (SystemPaths.TMPFS.stream().anyMatch(t -> RootFs.under(there, t))) {
      notes.add("the virtual environment " + hostVenv + " is under a tmpfs directory of container engines; it is used at " + venv
          + ", where its console scripts' #! lines do not point");
      return program;
    }
    if (root.mounts().stream().anyMatch(m -> RootFs.under(there, m.imagePath()))) {
      return program;
    }
    notes.add("the virtual environment " + venv + " is used at " + there + ", where it was made (its pyvenv.cfg and #! lines name that path)");
    return there + program.substring(venv.length());
  }

  /** The venv a program is in: the directory of {@code bin/PROGRAM} holding pyvenv.cfg, or null. */
  private static String venvOf(RootFs root, String program) {
    String dir = RootFs.parent(program);
    for (String candidate : List.of(RootFs.parent(dir), dir)) {
      if (!candidate.equals("/") && root.isRegularFile(candidate + "/pyvenv.cfg")) {
        return candidate;
      }
    }
    return null;
  }

  /** The venv's directory as it was created: the last word of pyvenv.cfg's {@code command} (Python 3.11+), or null. */
  static String madeAt(RootFs root, String cfg) {
    try {
      for (String line : new String(root.read(cfg), StandardCharsets.UTF_8).split("\n")) {
        int eq = line.indexOf('=');
        if (eq > 0 && line.substring(0, eq).strip().equals("command")) {
          String[] words = line.substring(eq + 1).strip().split("\\s+");
          String last = words[words.length - 1];
          return last.startsWith("/") ? last : null;
        }
      }
    } catch (IOException e) {
      return null;
    }
    return null;
  }

  /** When the program is in a venv's bin directory, that directory (first on PATH, as activation does). */
  private static java.util.Optional<String> venvBin(RootFs root, String program, String appPath) {
    if (!program.contains("/")) {
      return java.util.Optional.empty();
    }
    String abs = RootFs.normalize(program.startsWith("/") ? program : appPath + "/" + program);
    String dir = RootFs.parent(abs);
    return root.isRegularFile(RootFs.parent(dir) + "/pyvenv.cfg") ? java.util.Optional.of(dir) : java.util.Optional.empty();
  }

  private static Path realDirectory(String option, Path input, Host host) throws IOException {
    Path abs = host.cwd().resolve(input).normalize();
    if (!Files.isDirectory(abs)) {
      throw new IllegalArgumentException(option + " " + input + ": " + abs + (Files.exists(abs) ? " is not a directory" : " does not exist"));
    }
    return abs.toRealPath();
  }

  /** Refuses "/", system directories, home directories and directories holding one. */
  private static void refuseMachineDirectory(String option, Path input, Path real, Host host) throws IOException {
    String what = option + " " + input + (real.toString().equals(input.toString()) ? "" : " (" + real + ")");
    String rel = imagePathOf(host, real.toString());
    if (rel.equals("/")) {
      throw new IllegalArgumentException(what + " is the root directory of this machine; give the application's own directory");
    }
    Set<Path> homes = new LinkedHashSet<>();
    for (Path h : host.homes()) {
      Path abs = host.cwd().resolve(h).normalize();
      homes.add(abs);
      if (Files.isDirectory(abs, LinkOption.NOFOLLOW_LINKS) || Files.isDirectory(abs)) {
        homes.add(abs.toRealPath());
      }
    }
    for (Path h : homes) {
      if (real.equals(h)) {
        throw new IllegalArgumentException(what + " is a home directory (" + h + "); its dotfiles, keys and history would go into the image. "
            + "Give the application's own directory");
      }
      if (h.startsWith(real)) {
        throw new IllegalArgumentException(what + " holds the home directory " + h + "; give the application's own directory");
      }
    }
    if (SystemPaths.isSystemDir(rel)) {
      throw new IllegalArgumentException(what + " is a system directory of this machine; give the application's own directory");
    }
  }

  /** Checks an image path given for a mount. */
  private static String mountPoint(String option, String input, String imagePath) {
    if (imagePath == null || !imagePath.startsWith("/")) {
      throw new IllegalArgumentException(option + " " + input + ": the image path must be absolute");
    }
    String p = RootFs.normalize(imagePath);
    if (p.equals("/") || SystemPaths.isSystemDir(p)) {
      throw new IllegalArgumentException(option + " " + input + ": " + p + " is a system directory; it would hide the machine's files "
          + "the program needs. Give a path of its own, e.g. /app");
    }
    if (SystemPaths.TMPFS.stream().anyMatch(t -> RootFs.under(p, t))) {
      throw new IllegalArgumentException(option + " " + input + ": container engines mount a tmpfs over " + p + "; give another path");
    }
    return p;
  }

  /**
   * Mounts {@code host} at {@code imagePath}; missing parent directories are empty directories
   * made in the work directory (the machine's root is never written).
   */
  private static RootFs mount(RootFs root, String imagePath, Path host, Path workDir) throws IOException {
    List<String> missing = new ArrayList<>();
    String parent = RootFs.parent(imagePath);
    while (!parent.equals("/") && root.resolve(parent).isEmpty()) {
      missing.add(0, parent);
      parent = RootFs.parent(parent);
    }
    if (!missing.isEmpty()) {
      Path skeleton = Files.createTempDirectory(Files.createDirectories(workDir.resolve("skeleton")), "dir-");
      String top = missing.get(0);
      for (String m : missing.subList(1, missing.size())) {
        Files.createDirectories(skeleton.resolve(m.substring(top.length() + 1)));
      }
      root = root.withMount(top, skeleton);
    }
    return root.withMount(imagePath, host);
  }

  /** The mount point of the mount of {@code host} last added. */
  private static String added(RootFs root, Path host) {
    return root.mounts().stream().filter(m -> m.host().equals(host)).map(RootFs.Mount::imagePath).findFirst().orElseThrow();
  }

  private static String architecture() {
    String arch = System.getProperty("os.arch").toLowerCase(Locale.ROOT);
    return switch (arch) {
      case "amd64", "x86_64" -> "amd64";
      case "aarch64", "arm64" -> "arm64";
      default -> arch;
    };
  }
}

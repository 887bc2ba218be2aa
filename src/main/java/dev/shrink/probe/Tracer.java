package dev.shrink.probe;

import dev.shrink.closure.Analyser;
import dev.shrink.closure.Requirement;
import dev.shrink.engine.Engine;
import dev.shrink.fs.RootFs;
import dev.shrink.layer.TempFiles;
import dev.shrink.progress.Phase;
import dev.shrink.progress.Phases;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Runs the original image under the host's strace, once per probe, and turns what its processes
 * opened, executed, stat'ed or read as links into requirements: paths of the image, without what
 * the engine or the kernel provides and without what the app created while it ran.
 */
public final class Tracer {
  /** Paths that are never files of the image. */
  private static final List<String> IGNORED_TREES = List.of("/proc", "/sys", "/dev", HostStrace.DIR, "/run/.containerenv", "/run/secrets");
  /** Files the engine mounts into every container. */
  private static final Set<String> ENGINE_FILES = Set.of("/etc/hosts", "/etc/resolv.conf", "/etc/hostname", "/.containerenv", "/.dockerenv");

  /**
   * What the trace found.
   *
   * @param requirements image paths with reason {@code probe LABEL: SYSCALL}, each path once
   * @param outcomes what each traced probe saw (its answers and logs)
   * @param events how many successful file calls were read
   */
  public record Result(List<Requirement> requirements, List<Outcome> outcomes, int events) {
    /** Traced Python files (sources, bytecode, extension modules) that seed the import scanner. */
    public List<String> pythonFiles() {
      return pythonFiles(requirements);
    }

    /** The Python files (sources, bytecode, extension modules) among these paths. */
    public static List<String> pythonFiles(List<Requirement> requirements) {
      return requirements.stream().map(Requirement::path)
          .filter(p -> p.endsWith(".py") || p.endsWith(".pyc") || (p.endsWith(".so") && p.contains("/python")))
          .distinct().toList();
    }
  }

  private final Engine engine;
  private final HostStrace strace;
  private final ContainerRunner.Settings settings;

  public Tracer(Engine engine, HostStrace strace, ContainerRunner.Settings settings) {
    this.engine = engine;
    this.strace = strace;
    this.settings = settings;
  }

  /**
   * Traces {@code image} (an engine name) once per probe; {@code root} is its unpacked filesystem,
   * or null to keep every path not known to be foreign. A probe the image does not pass ({@link
   * Outcome#failure()}) ends the tracing with a {@link ProbeFailedException}: what it used is no
   * reference. The start-up probe runs with a read-only root, as the shrunk image will.
   */
  public Result trace(String image, RootFs root, List<Probe> probes, Path workDir) throws IOException {
    return traceEach(image, probes, workDir, "the image", StraceParser::parse, (probe, e) -> paths(e).stream().filter(path -> keep(root, path))
        .map(path -> new Requirement(path, Analyser.PROBE, "probe " + probe.label() + ": " + e.syscall())).toList());
  }

  /**
   * Traces {@code image} once per probe and keeps what its processes looked for and did not find
   * ({@code ENOENT}) that {@code original} has: what a shrunk image misses. Most failed lookups are
   * the import system and the loader probing paths that exist nowhere; only those of the original
   * count. Requirements get {@code analyser} and the reason {@code probe LABEL: SYSCALL ENOENT}.
   */
  public Result traceNotFound(String image, RootFs original, List<Probe> probes, Path workDir, Analyser analyser) throws IOException {
    return traceEach(image, probes, workDir, null, StraceParser::parseNotFound, (probe, e) -> keep(original, e.path())
        ? List.of(new Requirement(e.path(), analyser, "probe " + probe.label() + ": " + e.syscall() + " ENOENT")) : List.of());
  }

  /** The requirements one event of a probe's trace gives. */
  interface Selector {
    List<Requirement> select(Probe probe, StraceParser.Event event);
  }

  /** One traced run of a probe, which writes its strace output to {@code dir/trace}. */
  interface TracedRun {
    Outcome run(Probe probe, Path dir) throws IOException;
  }

  /** Runs each probe traced in the image's container, reads its trace with {@code parser}, and keeps the first requirement {@code selector} gives for each path. */
  private Result traceEach(String image, List<Probe> probes, Path workDir, String mustPass,
      Function<List<String>, List<StraceParser.Event>> parser, Selector selector) throws IOException {
    ContainerRunner runner = new ContainerRunner(engine, settings);
    TracedRun run = (probe, out) -> {
      // the app may run as any user: let it write the trace
      Files.setPosixFilePermissions(out, PosixFilePermissions.fromString("rwxrwxrwx"));
      ContainerRunner.Wrapper wrapper = new ContainerRunner.Wrapper() {
        @Override
        public List<String> runOptions() {
          List<String> options = new ArrayList<>(strace.runOptions(out));
          if (probe instanceof Probe.Startup) {
            options.add("--read-only");
          }
          return options;
        }

        @Override
        public List<String> command(List<String> argv) {
          return strace.command(argv);
        }

        @Override
        public boolean signalChildren() {
          return true;
        }
      };
      return runner.run(image, List.of(probe), wrapper).get(0);
    };
    return collect(probes, workDir, mustPass, run, parser, selector);
  }

  /**
   * Runs each probe with {@code run} in a temporary directory of its own (removed after), reads the
   * trace it wrote with {@code parser}, and keeps the first requirement {@code selector} gives for
   * each path. {@code mustPass} names what ran when each probe must pass ({@link
   * ProbeFailedException} at the first that does not), or is null when a failing run is what is traced.
   */
  static Result collect(List<Probe> probes, Path workDir, String mustPass, TracedRun run,
      Function<List<String>, List<StraceParser.Event>> parser, Selector selector) throws IOException {
    Map<String, Requirement> found = new LinkedHashMap<>();
    int events = 0;
    List<Outcome> outcomes = new ArrayList<>();
    for (Probe probe : probes) {
      Path dir = Files.createTempDirectory(workDir, "trace-");
      Phase phase = Phases.open("probe");
      try {
        Outcome outcome = run.run(probe, dir);
        outcomes.add(outcome);
        if (mustPass != null && outcome.failure().isPresent()) {
          throw new ProbeFailedException(outcome, mustPass);
        }
        Path trace = dir.resolve("trace");
        if (!Files.isRegularFile(trace)) {
          throw new IOException("tracing " + probe.label() + " wrote no trace; what ran said:\n" + outcome.logs().strip());
        }
        List<StraceParser.Event> parsed = parser.apply(Files.readAllLines(trace, StandardCharsets.UTF_8));
        events += parsed.size();
        for (StraceParser.Event e : parsed) {
          selector.select(probe, e).forEach(r -> found.putIfAbsent(r.path(), r));
        }
        phase.done();
      } finally {
        phase.close();
        TempFiles.deleteTree(dir);
      }
    }
    return new Result(List.copyOf(found.values()), outcomes, events);
  }

  static Set<String> paths(StraceParser.Event e) {
    Set<String> paths = new LinkedHashSet<>();
    paths.add(e.path());
    if (e.opened() != null) {
      paths.add(e.opened());
    }
    return paths;
  }

  /** A traced path that belongs in the output: in the image, not the engine's or the kernel's, not made by the app. */
  static boolean keep(RootFs root, String path) {
    if (path.equals("/") || ENGINE_FILES.contains(path)) {
      return false;
    }
    for (String tree : IGNORED_TREES) {
      if (path.equals(tree) || path.startsWith(tree + "/")) {
        return false;
      }
    }
    if (root == null) {
      return true; // the minifier's file set drops what the image does not have
    }
    // created at run time (or a mount of the engine's) when the image does not have it
    return root.resolve(path).isPresent() && Files.exists(root.host(root.resolve(path).get().path()), java.nio.file.LinkOption.NOFOLLOW_LINKS);
  }
}

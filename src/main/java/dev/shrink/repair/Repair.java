package dev.shrink.repair;

import dev.shrink.closure.Analyser;
import dev.shrink.closure.Requirement;
import dev.shrink.image.Image;
import dev.shrink.minify.Minifier;
import dev.shrink.probe.ContainerRunner;
import dev.shrink.probe.EngineImage;
import dev.shrink.probe.HostStrace;
import dev.shrink.probe.Outcome;
import dev.shrink.probe.Probe;
import dev.shrink.probe.Tracer;
import dev.shrink.progress.Phases;
import dev.shrink.python.Knowledge;
import dev.shrink.python.ModuleFinder;
import dev.shrink.python.ModuleNames;
import dev.shrink.python.PyModule;
import dev.shrink.python.PythonClosure;
import dev.shrink.python.PythonLayout;
import dev.shrink.report.Report;
import dev.shrink.sbom.Contents;
import dev.shrink.verify.Verifier;
import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Build, verify, and when the shrunk image does not behave like the original, repair: trace the
 * shrunk image with the same probes, take what its processes looked for and did not find
 * ({@code ENOENT}) and the modules and files its output names as missing, keep those the original
 * has (analyser {@code repair}), rebuild and verify again, at most {@code rounds} times.
 * The original is not run again: its outcomes come from the run that was traced (or one plain run).
 */
public final class Repair {
  /** Terminal colour and cursor sequences (CSI ... letter), which apps print and a report should not. */
  private static final Pattern ANSI = Pattern.compile("\u001B\\[[0-9;?]*[ -/]*[@-~]");

  /**
   * One verification: round 0 is the first build, round N the build after the N-th repair.
   *
   * @param added what this round's build got beyond the previous one (empty for round 0)
   * @param millis how long the verification took: running the published build with the probes and comparing
   */
  public record Round(int number, List<Requirement> added, Verifier.Report report, long millis) {}

  /**
   * The report of the last build and every round, in order.
   *
   * @param built the report of the last build
   * @param packages the packages the last build holds (for its SBOMs)
   * @param stopped why the repair stopped short of an image that verifies, or null
   * @param missing when it stopped: what the last build lacks that the original has (its output named it, or its trace looked for it)
   * @param excludedBy the user's --exclude patterns that removed some of {@code missing}
   */
  public record Result(Report built, Contents packages, List<Round> rounds, String stopped, List<Requirement> missing, List<String> excludedBy) {
    public boolean ok() {
      return last().ok();
    }

    /** The last verification. */
    public Verifier.Report last() {
      return rounds.get(rounds.size() - 1).report();
    }

    /** The last build's report with the rounds: each round's additions (path, reason) and whether it verified. */
    public Report report() {
      List<Report.RepairRound> out = new ArrayList<>();
      for (Round r : rounds) {
        out.add(new Report.RepairRound(r.number(), r.added().stream().map(Report.PathReason::of).toList(), r.report().ok(),
            List.copyOf(r.report().missing()), r.report().differences().stream().map(Object::toString).toList(),
            r.number() == rounds.size() - 1 ? missing.stream().map(Report.PathReason::of).toList() : null));
      }
      return built.withRepair(out);
    }
  }

  /** Writes a build where the user wants it and returns it as an engine can run it. */
  public interface Publisher {
    EngineImage publish(Image shrunk) throws IOException;
  }

  private final List<Outcome> reference;
  private final List<Probe> probes;
  private final List<Pattern> ignore;
  private final ContainerRunner.Settings settings;
  private final Consumer<Round> listener;

  /**
   * @param reference what the original answered to {@code probes}, in their order (the traced run's outcomes)
   * @param probes what the shrunk image is run with (at least one)
   * @param settings time limits of the runs
   * @param listener told of each round as it ends
   */
  public Repair(List<Outcome> reference, List<Probe> probes, List<Pattern> ignore, ContainerRunner.Settings settings, Consumer<Round> listener) {
    this.reference = plain(reference);
    this.probes = probes;
    this.ignore = ignore;
    this.settings = settings;
    this.listener = listener;
  }

  /** Builds from {@code source}, publishes, verifies; repairs up to {@code rounds} times while verification fails. */
  public Result run(Minifier.Source source, Path workDir, Minifier.Options options, int rounds, Publisher publisher) throws IOException {
    List<Round> done = new ArrayList<>();
    List<Requirement> added = List.of();
    Minifier.Options current = options;
    List<PathMatcher> excludes = options.paths().excludes().stream().map(g -> FileSystems.getDefault().getPathMatcher("glob:" + g)).toList();
    while (true) {
      Path dir = Files.createDirectories(workDir.resolve("round-" + done.size()));
      Minifier.Result built = Minifier.minify(source, dir, current);
      Set<String> kept = built.report().files().stream().map(Report.KeptFile::path).collect(Collectors.toSet());
      Map<String, Requirement> missing = new LinkedHashMap<>();
      String stopped;
      try (Image shrunk = built.image(); EngineImage b = publisher.publish(shrunk)) {
        long started = System.nanoTime();
        Verifier.Report report = Phases.time("verify", () -> Verifier.compare(reference,
            plain(new ContainerRunner(b.engine(), settings).run(b.name(), probes, Verifier.AS_USERS_RUN_IT)), ignore));
        Round round = new Round(done.size(), added, report, (System.nanoTime() - started) / 1_000_000);
        done.add(round);
        listener.accept(round);
        if (report.ok()) {
          return new Result(built.report(), built.packages(), List.copyOf(done), null, List.of(), List.of());
        }
        if (!report.originalFailures().isEmpty()) {
          return new Result(built.report(), built.packages(), List.copyOf(done), "the original did not pass its probes, so there is nothing to repair towards",
              List.of(), List.of());
        }
        named(source, built, report, options.paths().excludes(), excludes).forEach(r -> missing.putIfAbsent(r.path(), r));
        stopped = done.size() > rounds ? rounds == 0 ? "repair is off (--repair-rounds 0)" : "no repair round left (" + rounds + " done)" : null;
        // traced also when no round is left: what it finds names the missing files for the user
        traced(source, b, dir).forEach(r -> missing.putIfAbsent(r.path(), excluded(r, options.paths().excludes(), excludes)));
      }
      if (built.python() != null && !excludes.isEmpty()) {
        List<Requirement> back = new ArrayList<>(missing.values());
        back.addAll(current.traced().paths().stream().filter(r -> r.analyser() == Analyser.REPAIR).toList());
        imports(source, built.python(), back, kept, excludes)
            .forEach(r -> missing.putIfAbsent(r.path(), excluded(r, options.paths().excludes(), excludes)));
      }
      // a source looked for beside its kept bytecode (os.py, the prefix landmark) is not missing
      added = missing.values().stream().filter(r -> !kept.contains(r.path()) && !kept.contains(r.path() + "c")).toList();
      if (stopped == null && added.isEmpty()) {
        stopped = "the shrunk image looked for nothing the original has that it lacks";
      }
      if (stopped != null) {
        List<String> by = new ArrayList<>();
        for (int i = 0; i < excludes.size(); i++) {
          PathMatcher x = excludes.get(i);
          if (added.stream().anyMatch(r -> x.matches(Path.of(r.path())))) {
            by.add(options.paths().excludes().get(i));
          }
        }
        return new Result(built.report(), built.packages(), List.copyOf(done), stopped, added, List.copyOf(by));
      }
      List<Requirement> extra = new ArrayList<>(current.traced().paths());
      extra.addAll(added);
      List<String> pythonFiles = new ArrayList<>(current.traced().pythonFiles());
      pythonFiles.addAll(Tracer.Result.pythonFiles(added));
      current = current.toBuilder().traced(new Minifier.Traced(extra, pythonFiles)).build();
    }
  }

  /** What the shrunk image's output names as missing that the original has: every module and every file. */
  private List<Requirement> named(Minifier.Source source, Minifier.Result built, Verifier.Report report, List<String> globs,
      List<PathMatcher> excludes) {
    Map<String, Requirement> found = new LinkedHashMap<>();
    for (int i = 0; i < report.shrunk().size(); i++) {
      Outcome b = report.shrunk().get(i);
      String label = "probe " + b.probe().label() + ": ";
      String before = report.original().get(i).logs();
      if (built.python() != null) {
        ModuleFinder finder = new ModuleFinder(source.root(), built.python());
        for (String m : Verifier.missingModules(b.logs())) {
          if (!Verifier.missingModules(before).contains(m)) {
            finder.find(m).map(PyModule::file).filter(f -> f != null).ifPresent(f -> found.putIfAbsent(f,
                excluded(new Requirement(f, Analyser.REPAIR, label + "module " + m + " missing in the output"), globs, excludes)));
          }
        }
      }
      for (String f : Verifier.missingFiles(b.logs())) {
        if (!Verifier.missingFiles(before).contains(f) && (source.root().isRegularFile(f) || source.root().isDirectory(f))) {
          found.putIfAbsent(f, excluded(new Requirement(f, Analyser.REPAIR, label + "'No such file or directory: " + f + "' in the output"),
              globs, excludes));
        }
      }
    }
    return List.copyOf(found.values());
  }

  /**
   * What an --exclude removed of the imports of Python files a repair puts back that the same
   * pattern removed: the rest of a package the user excluded comes back in the same round, not
   * one module per round as each import fails in turn.
   */
  private static List<Requirement> imports(Minifier.Source source, PythonLayout python, List<Requirement> back, Set<String> kept,
      List<PathMatcher> excludes) {
    Map<String, List<PathMatcher>> seeds = new LinkedHashMap<>();
    for (String f : Tracer.Result.pythonFiles(back)) {
      List<PathMatcher> removing = excludes.stream().filter(x -> x.matches(Path.of(f))).toList();
      if (!removing.isEmpty()) {
        ModuleNames.of(python.sysPath(), f).ifPresent(m -> seeds.computeIfAbsent(m, k -> new ArrayList<>()).addAll(removing));
      }
    }
    if (seeds.isEmpty()) {
      return List.of();
    }
    Set<PathMatcher> removing = new java.util.HashSet<>();
    seeds.values().forEach(removing::addAll);
    String by = String.join(", ", seeds.keySet());
    return PythonClosure.analyse(source.root(), python, Knowledge.load(), seeds.keySet()).requirements().stream()
        .filter(r -> !kept.contains(r.path()) && removing.stream().anyMatch(x -> x.matches(Path.of(r.path()))))
        .map(r -> new Requirement(r.path(), Analyser.REPAIR, "imported by " + by + ", put back by the repair (" + r.reason() + ")"))
        .toList();
  }

  /** What the shrunk image looked for (traced) and did not find, that the original has. */
  private List<Requirement> traced(Minifier.Source source, EngineImage shrunk, Path dir) throws IOException {
    ContainerRunner.Settings traced = ContainerRunner.Settings.fromEngine(shrunk.engine(), shrunk.name(), null, null, settings.startup(),
        settings.commandTimeout());
    return new Tracer(shrunk.engine(), HostStrace.find(), traced).traceNotFound(shrunk.name(), source.root(), probes, dir, Analyser.REPAIR)
        .requirements();
  }

  /** The requirement, its reason naming the user's --exclude pattern that removed the path, if one did. */
  private static Requirement excluded(Requirement r, List<String> globs, List<PathMatcher> excludes) {
    for (int i = 0; i < excludes.size(); i++) {
      if (excludes.get(i).matches(Path.of(r.path()))) {
        return new Requirement(r.path(), r.analyser(), r.reason() + "; removed by --exclude '" + globs.get(i) + "'", r.from());
      }
    }
    return r;
  }

  /** The outcomes with terminal escape sequences taken out of bodies and logs: they are compared and shown as text. */
  static List<Outcome> plain(List<Outcome> outcomes) {
    return outcomes.stream().map(o -> new Outcome(o.probe(), o.status(), strip(o.body()), strip(o.logs()), o.error())).toList();
  }

  static String strip(String text) {
    return text == null ? null : ANSI.matcher(text).replaceAll("");
  }
}

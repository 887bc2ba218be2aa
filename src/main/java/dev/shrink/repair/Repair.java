package dev.shrink.repair;

import dev.shrink.closure.Requirement;
import dev.shrink.image.Image;
import dev.shrink.image.Json;
import dev.shrink.minify.Minifier;
import dev.shrink.minify.MinifyReport;
import dev.shrink.probe.ContainerRunner;
import dev.shrink.probe.EngineImage;
import dev.shrink.probe.HostStrace;
import dev.shrink.probe.Outcome;
import dev.shrink.probe.Probe;
import dev.shrink.probe.Tracer;
import dev.shrink.python.ModuleFinder;
import dev.shrink.python.PyModule;
import dev.shrink.verify.Verifier;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Build, verify, and when the shrunk image does not behave like the original, repair: trace the
 * shrunk image with the same probes, take what its processes looked for and did not find
 * ({@code ENOENT}) and the modules and files its output names as missing, keep those the original
 * has (analyser {@value Minifier#REPAIR}), rebuild and verify again, at most {@code rounds} times.
 */
public final class Repair {
  /**
   * One verification: round 0 is the first build, round N the build after the N-th repair.
   *
   * @param added what this round's build got beyond the previous one (empty for round 0)
   */
  public record Round(int number, List<Requirement> added, Verifier.Report report) {}

  /**
   * The report of the last build and every round, in order.
   *
   * @param stopped why the repair stopped short of an image that verifies, or null
   */
  public record Result(MinifyReport report, List<Round> rounds, String stopped) {
    public boolean ok() {
      return rounds.get(rounds.size() - 1).report().ok();
    }

    /** The rounds as JSON, for the minify report: each round's additions (path, reason) and whether it verified. */
    public ArrayNode json() {
      ArrayNode out = Json.MAPPER.createArrayNode();
      for (Round r : rounds) {
        ObjectNode n = out.addObject();
        n.put("round", r.number());
        ArrayNode added = n.putArray("added");
        r.added().forEach(a -> added.addObject().put("path", a.path()).put("reason", a.reason()));
        n.put("verified", r.report().ok());
        ArrayNode missing = n.putArray("missing");
        r.report().missing().forEach(missing::add);
        ArrayNode diffs = n.putArray("differences");
        r.report().differences().forEach(d -> diffs.add(d.toString()));
      }
      return out;
    }
  }

  /** Writes a build where the user wants it and returns it as an engine can run it. */
  public interface Publisher {
    EngineImage publish(Image shrunk) throws IOException;
  }

  private final EngineImage original;
  private final List<Probe> probes;
  private final List<Pattern> ignore;
  private final ContainerRunner.Settings settings;
  private final Consumer<Round> listener;

  /**
   * @param original the fat image, as an engine runs it
   * @param probes what both images are run with (at least one)
   * @param settings time limits of the runs
   * @param listener told of each round as it ends
   */
  public Repair(EngineImage original, List<Probe> probes, List<Pattern> ignore, ContainerRunner.Settings settings, Consumer<Round> listener) {
    this.original = original;
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
    while (true) {
      Path dir = Files.createDirectories(workDir.resolve("round-" + done.size()));
      Minifier.Result built = Minifier.minify(source, dir, current);
      List<Requirement> missing;
      try (Image shrunk = built.image(); EngineImage b = publisher.publish(shrunk)) {
        Verifier.Report report = Verifier.verify(original.engine(), original.name(), b.engine(), b.name(), probes, ignore, settings);
        Round round = new Round(done.size(), added, report);
        done.add(round);
        listener.accept(round);
        if (report.ok()) {
          return new Result(built.report(), List.copyOf(done), null);
        }
        if (!report.originalFailures().isEmpty()) {
          return new Result(built.report(), List.copyOf(done), "the original did not pass its probes, so there is nothing to repair towards");
        }
        if (done.size() > rounds) {
          return new Result(built.report(), List.copyOf(done), rounds == 0 ? "repair is off" : "no repair round left (" + rounds + " done)");
        }
        missing = missing(source, built, b, report, dir);
      }
      Set<String> kept = built.report().json().path("files").valueStream().map(f -> f.path("path").asString()).collect(Collectors.toSet());
      // a source looked for beside its kept bytecode (os.py, the prefix landmark) is not missing
      added = missing.stream().filter(r -> !kept.contains(r.path()) && !kept.contains(r.path() + "c")).toList();
      if (added.isEmpty()) {
        return new Result(built.report(), List.copyOf(done), "the shrunk image looked for nothing the original has that it lacks");
      }
      List<Requirement> extra = new ArrayList<>(current.extra());
      extra.addAll(added);
      List<String> pythonFiles = new ArrayList<>(current.extraPythonFiles());
      pythonFiles.addAll(Tracer.Result.pythonFiles(added));
      current = current.withExtra(extra, pythonFiles);
    }
  }

  /** What the shrunk image looked for (traced) and what its output names as missing, that the original has. */
  private List<Requirement> missing(Minifier.Source source, Minifier.Result built, EngineImage shrunk, Verifier.Report report, Path dir)
      throws IOException {
    Map<String, Requirement> found = new LinkedHashMap<>();
    for (int i = 0; i < report.shrunk().size(); i++) {
      Outcome b = report.shrunk().get(i);
      String label = "probe " + b.probe().label() + ": ";
      String before = report.original().get(i).logs();
      if (built.python() != null) {
        ModuleFinder finder = new ModuleFinder(source.root(), built.python());
        for (String m : Verifier.missingModules(b.logs())) {
          if (!Verifier.missingModules(before).contains(m)) {
            finder.find(m).map(PyModule::file).filter(f -> f != null)
                .ifPresent(f -> found.putIfAbsent(f, new Requirement(f, Minifier.REPAIR, label + "module " + m + " missing in the output")));
          }
        }
      }
      for (String f : Verifier.missingFiles(b.logs())) {
        if (!Verifier.missingFiles(before).contains(f) && (source.root().isRegularFile(f) || source.root().isDirectory(f))) {
          found.putIfAbsent(f, new Requirement(f, Minifier.REPAIR, label + "'No such file or directory: " + f + "' in the output"));
        }
      }
    }
    ContainerRunner.Settings traced = ContainerRunner.Settings.fromEngine(shrunk.engine(), shrunk.name(), null, null, settings.startup(),
        settings.commandTimeout());
    Tracer.Result lookups = new Tracer(shrunk.engine(), HostStrace.find(), traced).traceNotFound(shrunk.name(), source.root(), probes, dir,
        Minifier.REPAIR);
    lookups.requirements().forEach(r -> found.putIfAbsent(r.path(), r));
    return List.copyOf(found.values());
  }
}

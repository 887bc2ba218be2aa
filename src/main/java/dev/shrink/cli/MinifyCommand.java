package dev.shrink.cli;

import dev.shrink.bytecode.Compiler;
import dev.shrink.bytecode.Target;
import dev.shrink.closure.Requirement;
import dev.shrink.engine.Engine;
import dev.shrink.image.Image;
import dev.shrink.json.Json;
import dev.shrink.layer.TempFiles;
import dev.shrink.minify.Minifier;
import dev.shrink.minify.MinifyReport;
import dev.shrink.probe.ContainerRunner;
import dev.shrink.probe.EngineImage;
import dev.shrink.probe.HostStrace;
import dev.shrink.probe.Outcome;
import dev.shrink.probe.Probe;
import dev.shrink.probe.ProbeFailedException;
import dev.shrink.probe.Tracer;
import dev.shrink.repair.Repair;
import dev.shrink.transport.ImageReference;
import dev.shrink.transport.TransportOptions;
import dev.shrink.verify.Verifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine;

/** {@code shrink minify SRC DEST}: a FROM-scratch image with only what the command needs. */
@Command(name = "minify", mixinStandardHelpOptions = true,
    header = "Writes a FROM-scratch image with only the files the image's command needs.",
    description = {"Writes a FROM-scratch image holding only the files SRC's command needs:",
        "what static analysis finds, and what one traced run of the image's own command",
        "uses (the start-up probe; --no-probe turns it off). The image runs as a non-root",
        "user (65532 unless the image already runs as non-root). Then DEST is run with the same",
        "probes and compared with SRC, and repaired when it differs (--no-verify skips this).",
        "Exit codes: 0 done (and verified when an engine is installed), 1 failed or DEST does not",
        "behave like SRC (DEST is still written), 2 bad usage."})
final class MinifyCommand implements Callable<Integer> {
  /** How many paths a repair round or a failed verification lists. */
  private static final int SHOWN = 10;

  @Parameters(index = "0", paramLabel = "SRC", converter = TransportMixin.ReferenceConverter.class, description = "The fat image.")
  ImageReference source;

  @Parameters(index = "1", paramLabel = "DEST", converter = TransportMixin.ReferenceConverter.class, description = "Where to write the shrunk image.")
  ImageReference destination;

  @Option(names = "--include", paramLabel = "PATH|GLOB", description = "Also keep these paths of SRC (repeatable).")
  List<String> includes = List.of();

  @Option(names = "--exclude", paramLabel = "GLOB", description = "Never keep paths matching this glob (repeatable).")
  List<String> excludes = List.of();

  @Option(names = "--user", paramLabel = "UID[:GID]", description = "Run user of the output (default: the image's if not root, else 65532:65532).")
  String user;

  @Option(names = "--entrypoint", paramLabel = "JSON", description = "Entrypoint in exec form, e.g. '[\"python3\", \"app.py\"]'.")
  String entrypoint;

  @Option(names = "--cmd", paramLabel = "JSON", description = "Cmd in exec form, e.g. '[\"--port\", \"8000\"]'.")
  String cmd;

  @Mixin
  BytecodeMixin bytecode;

  @Option(names = "--report", paramLabel = "FILE.json", description = "Write the report: every file kept, its size and why.")
  Path report;

  @Mixin
  TransportMixin transport;

  @Mixin
  OutputMixin output;

  @Mixin
  ProbeMixin probe;

  @Mixin
  Results results;

  @Option(names = "--verify", negatable = true, description = {"After writing DEST, run it with the probes SRC was traced with (the start-up probe",
      "when none is given) and compare with SRC's answers; when they differ, repair (see --repair-rounds); exit 1",
      "when they still differ (DEST is written). On by default when podman or docker is installed; --no-verify skips it."})
  Boolean verify;

  @Option(names = "--repair-rounds", paramLabel = "N", defaultValue = "3", description = {"When DEST does not behave like SRC: trace DEST with the same probes,",
      "add what it looked for and did not find that SRC has (and modules and files its output names as missing),",
      "rebuild DEST and verify again, at most N times (default ${DEFAULT-VALUE}; 0 = no repair)."})
  int repairRounds;

  @Option(names = "--no-probe", description = "Static analysis only: do not run the image's own command once, traced (the start-up probe, "
      + "run by default when no probe is given and podman or docker is installed; an image with EXPOSEd ports is asked GET /).")
  boolean noProbe;

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    Target target = bytecode.target(spec);
    if (repairRounds < 0) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--repair-rounds must be 0 or more; got " + repairRounds);
    }
    List<Probe> given = probe.probes();
    if (noProbe && !given.isEmpty()) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--no-probe turns the start-up probe off; it does not go with the probes given");
    }
    if (noProbe && Boolean.TRUE.equals(verify)) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--no-probe leaves no run of SRC to compare DEST with; it does not go with --verify");
    }
    TransportOptions srcOptions = transport.source();
    Minifier.Options options = new Minifier.Options(json(entrypoint, "--entrypoint"), json(cmd, "--cmd"), user, includes, excludes,
        bytecode.keepSources, output.output(spec, transport.destination().format()))
        .withBytecode(target, Compiler.inEngine(() -> EngineImage.of(source, srcOptions, probe.engineFor(source))))
        .withPurePython(bytecode.purePython);
    Path work = TempFiles.createDirectory(srcOptions.tempDir(), "minify");
    Repair.Result repaired = null;
    List<Probe> probes = given;
    String notVerified = noProbe ? "--no-probe leaves no run of SRC to compare DEST with" : Boolean.FALSE.equals(verify) ? "--no-verify" : null;
    try (Image image = source.read(srcOptions)) {
      // an engine is a must for the probes given and --verify; else the start-up probe and the verification run when there is one
      Engine engine = !given.isEmpty() || Boolean.TRUE.equals(verify) ? probe.engine() : null;
      HostStrace strace = null;
      if (!noProbe) {
        try {
          engine = engine == null ? probe.engine() : engine;
          strace = HostStrace.find();
        } catch (java.io.IOException e) {
          if (!given.isEmpty()) {
            throw e;
          }
          results.progress().println("probe: start-up probe skipped (static analysis only): " + e.getMessage());
          if (verify == null) {
            engine = null;
            notVerified = "nothing ran SRC (" + e.getMessage() + ")";
          }
        }
      }
      MinifyReport r;
      try (EngineImage original = engine == null ? null : EngineImage.of(source, srcOptions, engine)) {
        probes = given.isEmpty() && original != null ? List.of(original.startup()) : given;
        List<Outcome> reference = null;
        if (strace != null) {
          long started = System.nanoTime();
          ContainerRunner.Settings settings = probe.settings(original.engine(), original.name(), options.entrypoint(), options.cmd());
          Tracer.Result traced;
          try {
            traced = new Tracer(original.engine(), strace, settings).trace(original.name(), null, probes, work);
          } catch (ProbeFailedException e) {
            throw new java.io.IOException(source + ": " + e.getMessage() + "\nNothing was written. " + (given.isEmpty()
                ? "With no probe given, minify runs the image's own command once (the start-up probe): give a probe the image passes "
                + "(--probe-http PORT:PATH, --probe-cmd ARGS), or --no-probe." : "Check the probe (port, path, arguments) and --probe-timeout."), e);
          }
          options = options.withExtra(traced.requirements(), traced.pythonFiles());
          reference = traced.outcomes();
          results.progress().printf("probe: traced %s: %d file calls, %d paths of the image (%d ms)%n",
              String.join(", ", probes.stream().map(Probe::label).toList()), traced.events(), traced.requirements().size(),
              (System.nanoTime() - started) / 1_000_000);
        }
        Minifier.Source unpacked = Minifier.unpack(image, work);
        if (notVerified == null && original != null) {
          if (reference == null) {
            reference = new ContainerRunner(original.engine(), probe.settings()).run(original.name(), probes, ContainerRunner.Wrapper.NONE);
          }
          Engine runs = engine;
          repaired = new Repair(reference, probes, probe.ignorePatterns(), probe.settings(), this::print)
              .run(unpacked, work, options, repairRounds, shrunk -> publish(shrunk, runs));
          r = repaired.report();
          r.json().set("repair", repaired.json());
        } else {
          Minifier.Result result = Minifier.minify(unpacked, work, options);
          try (Image shrunk = result.image()) {
            destination.write(shrunk, transport.destination());
          }
          r = result.report();
          notVerified = notVerified != null ? notVerified : "no container engine to run SRC";
        }
      }
      if (report != null) {
        Path tmp = Files.createTempFile(report.toAbsolutePath().getParent(), ".report-", ".json");
        Files.write(tmp, Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(r.json()));
        Files.move(tmp, report, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
      }
      Results.problems(r.problems(), System.err);
      java.io.PrintStream out = results.table();
      out.printf("%-8s %10s %8s %12s%n", "", "layers", "files", "file bytes");
      out.printf("%-8s %10s %8d %12s%n", "before", Sizes.human(r.before().compressed()), r.before().files(), Sizes.human(r.before().fileBytes()));
      out.printf("%-8s %10s %8d %12s%n", "after", Sizes.human(r.after().compressed()), r.after().files(), Sizes.human(r.after().fileBytes()));
      OutputMixin.printLayers(r, out);
      out.println("Wrote " + destination);
      if (strace != null) {
        results.progress().printf("probe: %d files kept only because a traced run used them%n", ProbeMixin.probeOnly(r));
      }
      int exit = 0;
      if (repaired == null) {
        results.verdicts().println("verify: not checked: " + notVerified);
      } else {
        exit = verdict(repaired, probes);
      }
      results.finish(results.digest(destination, transport.destination()), Results.summary(destination, r, true, exit));
      return exit;
    } finally {
      TempFiles.deleteTree(work);
    }
  }

  /** Writes a build to DEST and returns it as an engine can run it: where it is, or loaded under a temporary name. */
  private EngineImage publish(Image shrunk, Engine engine) throws java.io.IOException {
    destination.write(shrunk, transport.destination());
    return ProbeMixin.runnable(destination, shrunk, transport.destination(), engine);
  }

  /** Tells one verification round: what a repair added before it, and how the image answered. */
  private void print(Repair.Round round) {
    if (round.number() > 0) {
      results.verdicts().printf("repair: round %d added %d paths of the original:%n", round.number(), round.added().size());
      printSome(round.added(), "repair:   ");
    }
    ProbeMixin.print(round.report(), results.verdicts());
  }

  /**
   * The one line that says what was checked and the verdict; when DEST still differs, what differed,
   * what is missing (and the --exclude that removed it) and what to try. Returns the exit code.
   */
  private int verdict(Repair.Result repaired, List<Probe> probes) {
    String checked = String.join(", ", probes.stream().map(Probe::label).toList());
    int rounds = repaired.rounds().size() - 1;
    String after = rounds == 0 ? "" : " after " + rounds + " repair round" + (rounds == 1 ? "" : "s");
    if (repaired.ok()) {
      results.verdicts().printf("verify: passed: %s answers %s like %s%s (verified in %d ms)%n", destination, checked, source, after,
          repaired.rounds().get(rounds).millis());
      return 0;
    }
    Verifier.Report last = repaired.last();
    if (!last.originalFailures().isEmpty()) {
      results.verdicts().println("verify: the original did not pass its probe " + String.join("; ", last.originalFailures()));
    } else {
      last.differences().forEach(d -> results.verdicts().println("verify:   " + d));
      printSome(repaired.missing(), "verify:   missing ");
      results.verdicts().println("verify: repair stopped: " + repaired.stopped());
      String include = !repaired.excludedBy().isEmpty()
          ? "to narrow or drop " + String.join(" ", repaired.excludedBy().stream().map(g -> "--exclude '" + g + "'").toList())
          : repaired.missing().isEmpty() ? "--include PATH for what DEST lacks"
          : String.join(" ", repaired.missing().stream().map(m -> "--include " + m.path()).limit(3).toList());
      results.verdicts().println("verify: try " + include + ", a probe of the path that failed (--probe-http PORT:PATH, --probe-cmd ARGS), "
          + "or more --repair-rounds");
    }
    results.verdicts().printf("verify: FAILED: %s does not behave like %s under %s%s; it was written so that you can look at it%n",
        destination, source, checked, after);
    return 1;
  }

  /** Prints the first paths with their reasons, and how many more there are (the report has them all). */
  private void printSome(List<Requirement> paths, String prefix) {
    paths.stream().limit(SHOWN).forEach(a -> results.verdicts().println(prefix + a.path() + "  (" + a.reason() + ")"));
    if (paths.size() > SHOWN) {
      results.verdicts().println(prefix + "... and " + (paths.size() - SHOWN) + " more (--report lists them)");
    }
  }

  private List<String> json(String value, String option) {
    if (value == null) {
      return null;
    }
    try {
      return List.of(Json.MAPPER.readValue(value, String[].class));
    } catch (RuntimeException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), option + " must be a JSON array of strings, e.g. '[\"python3\", \"app.py\"]'; got " + value);
    }
  }
}

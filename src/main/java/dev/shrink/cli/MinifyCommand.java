package dev.shrink.cli;

import dev.shrink.bytecode.Compiler;
import dev.shrink.closure.Requirement;
import dev.shrink.json.Json;
import dev.shrink.minify.Minifier;
import dev.shrink.probe.EngineImage;
import dev.shrink.probe.Probe;
import dev.shrink.repair.Repair;
import dev.shrink.report.Report;
import dev.shrink.run.MinifyRun;
import dev.shrink.run.Probing;
import dev.shrink.transport.ImageReference;
import dev.shrink.transport.TransportOptions;
import dev.shrink.verify.Verifier;
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

  @Mixin
  ReportMixin report;

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
    Minifier.Bytecode form = bytecode.bytecode(spec);
    if (repairRounds < 0) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--repair-rounds must be 0 or more; got " + repairRounds);
    }
    Probing probing = probe.probing();
    if (noProbe && !probing.given().isEmpty()) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--no-probe turns the start-up probe off; it does not go with the probes given");
    }
    if (noProbe && Boolean.TRUE.equals(verify)) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--no-probe leaves no run of SRC to compare DEST with; it does not go with --verify");
    }
    TransportOptions srcOptions = transport.source();
    Minifier.Options options = Minifier.Options.builder()
        .command(new Minifier.Command(json(entrypoint, "--entrypoint"), json(cmd, "--cmd"), user))
        .paths(new Minifier.PathRules(includes, excludes)).bytecode(form)
        .compiler(Compiler.inEngine(() -> EngineImage.of(source, srcOptions, probing.engineFor(source))))
        .output(output.output(spec, transport.destination().format())).build();
    MinifyRun.Result done = MinifyRun.run(new MinifyRun.Request(source, srcOptions, destination, transport.destination(), options, probing,
        noProbe, verify, repairRounds, report.files(spec), results.wantsDigest()), new MinifyRun.Listener() {
          @Override
          public void progress(String line) {
            results.progress().println(line);
          }

          @Override
          public void round(Repair.Round round) {
            print(round);
          }
        });
    Report r = done.report();
    Results.problems(r.problems(), System.err);
    java.io.PrintStream out = results.table();
    out.printf("%-8s %10s %8s %12s%n", "", "layers", "files", "file bytes");
    out.printf("%-8s %10s %8d %12s%n", "before", Sizes.human(r.before().compressedLayers()), r.before().files(), Sizes.human(r.before().fileBytes()));
    out.printf("%-8s %10s %8d %12s%n", "after", Sizes.human(r.after().compressedLayers()), r.after().files(), Sizes.human(r.after().fileBytes()));
    OutputMixin.printLayers(r, out);
    out.println("Wrote " + destination);
    if (done.traced()) {
      results.progress().printf("probe: %d files kept only because a traced run used them%n", r.probeOnly());
    }
    int exit = 0;
    if (done.repaired() == null) {
      results.verdicts().println("verify: not checked: " + done.notVerified());
    } else {
      exit = verdict(done.repaired(), done.probes());
    }
    results.finish(r.digest(), Results.summary(destination, r, true, exit));
    return exit;
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

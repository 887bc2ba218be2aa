package dev.shrink.run;

import dev.shrink.build.Builder;
import dev.shrink.engine.Engine;
import dev.shrink.image.Image;
import dev.shrink.layer.TempFiles;
import dev.shrink.minify.Minifier;
import dev.shrink.probe.ContainerRunner;
import dev.shrink.probe.EngineImage;
import dev.shrink.probe.Outcome;
import dev.shrink.probe.Probe;
import dev.shrink.probe.ProbeFailedException;
import dev.shrink.probe.Tracer;
import dev.shrink.progress.Phases;
import dev.shrink.report.Report;
import dev.shrink.transport.ImageReference;
import dev.shrink.transport.TransportOptions;
import dev.shrink.verify.Verifier;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;

/**
 * shrink build as one run: plan, run COMMAND on this machine under strace with the probes, build,
 * write DEST, verify it under the engine against this machine's run (no repair), and finish the
 * report. Progress lines go to a listener; the command prints the result.
 */
public final class BuildRun {
  /**
   * What to do.
   *
   * @param verify true: verification is a must; false: skipped ({@code --no-verify}); null: when a probe is given and the engine is installed
   * @param reports where the report goes (JSON, HTML)
   * @param withDigest true to read DEST's manifest digest back into the report
   */
  public record Request(Builder.Spec spec, Minifier.Output output, ImageReference destination, TransportOptions options, Probing probing,
      Boolean verify, ReportFiles reports, boolean withDigest) {}

  /**
   * What the run did. {@code missingEngine} names the engine --verify needs and does not find
   * (nothing else was done: the rest is null); {@code verified} is null when DEST was not run, and
   * {@code notVerified} says why.
   */
  public record Result(String missingEngine, Builder.Plan plan, Report report, Verifier.Report verified, long verifyMillis,
      String notVerified, List<Probe> probes, boolean traced) {}

  private BuildRun() {}

  public static Result run(Request q, Consumer<String> progress) throws IOException {
    Probing probing = q.probing();
    List<Probe> probes = probing.given();
    Engine engine = Boolean.FALSE.equals(q.verify()) || q.verify() == null && probes.isEmpty() ? null : probing.engineFor(q.destination());
    String notVerified = Boolean.FALSE.equals(q.verify()) ? "--no-verify" : engine == null ? "no probe given, so COMMAND did not run here "
        + "(--probe-http PORT:PATH, --probe-cmd ARGS, or --verify to run its default command)" : null;
    if (engine != null && !engine.present()) {
      if (Boolean.TRUE.equals(q.verify())) {
        return new Result(engine.command(), null, null, null, 0, null, probes, false);
      }
      notVerified = engine.command() + ", which runs the built image, is not installed";
      engine = null;
    }
    if (engine != null && probes.isEmpty()) {
      probes = List.of(new Probe.Cmd(List.of()));
    }
    Path work = TempFiles.createDirectory(q.options().tempDir(), "build");
    try {
      Builder.Plan plan = Builder.plan(q.spec(), Builder.Host.current(), work);
      if (plan.python() != null) {
        progress.accept("python: " + plan.python());
      }
      Tracer.Result traced = probes.isEmpty() ? null : trace(plan, probes, probing, work, progress);
      Minifier.Result result = Builder.build(plan, q.spec(), q.output(), work, traced).result();
      Verifier.Report verified = null;
      long millis = 0;
      try (Image image = result.image()) {
        q.destination().write(image, q.options());
        if (engine != null) {
          long started = System.nanoTime();
          try (EngineImage built = Probing.runnable(q.destination(), image, q.options(), engine)) {
            List<Probe> checked = probes;
            List<Outcome> shrunk = Phases.time("verify",
                () -> new ContainerRunner(built.engine(), probing.settings()).run(built.name(), checked, ContainerRunner.Wrapper.NONE));
            verified = Verifier.compare(traced.outcomes(), shrunk, probing.ignore());
          }
          millis = (System.nanoTime() - started) / 1_000_000;
        }
      }
      List<String> labels = traced == null ? List.of() : probes.stream().map(Probe::label).toList();
      Report report = Written.report(result.report(), result.packages(), q.destination(), q.options(), q.withDigest(), q.reports(), labels);
      return new Result(null, plan, report, verified, millis, notVerified, probes, traced != null);
    } finally {
      TempFiles.deleteTree(work);
    }
  }

  /** Runs the plan's command on this machine under strace with the probes. */
  private static Tracer.Result trace(Builder.Plan plan, List<Probe> probes, Probing probing, Path work, Consumer<String> progress)
      throws IOException {
    long started = System.nanoTime();
    Tracer.Result traced;
    try {
      traced = Builder.trace(plan, probes, probing.settings(), work);
    } catch (ProbeFailedException e) {
      throw new IOException(e.getMessage() + "\nNothing was written. " + (probing.given().isEmpty()
          ? "With --verify and no probe given, COMMAND must run to its end: give a server --probe-http PORT:PATH."
          : "Check the probe (port, path, arguments) and --probe-timeout."), e);
    }
    progress.accept(String.format("probe: ran COMMAND on this machine under strace: %d file calls, %d paths (%d ms)", traced.events(),
        traced.requirements().size(), (System.nanoTime() - started) / 1_000_000));
    return traced;
  }
}

package dev.shrink.run;

import dev.shrink.engine.Engine;
import dev.shrink.fs.RootFs;
import dev.shrink.image.Image;
import dev.shrink.layer.TempFiles;
import dev.shrink.minify.Minifier;
import dev.shrink.probe.ContainerRunner;
import dev.shrink.probe.EngineImage;
import dev.shrink.probe.HostStrace;
import dev.shrink.probe.Outcome;
import dev.shrink.probe.Probe;
import dev.shrink.probe.ProbeFailedException;
import dev.shrink.probe.Tracer;
import dev.shrink.repair.Repair;
import dev.shrink.report.Report;
import dev.shrink.sbom.Contents;
import dev.shrink.transport.ImageReference;
import dev.shrink.transport.TransportOptions;
import dev.shrink.transport.engine.ImageMount;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * shrink minify as one run: trace SRC with the probes (the start-up probe when none is given),
 * minify, write DEST, verify it against the traced run and repair it ({@link Repair}), and finish
 * the report. What it tells on the way goes to a {@link Listener}; the command prints the result.
 */
public final class MinifyRun {
  /**
   * What to do.
   *
   * @param verify true: verification is a must; false: skipped ({@code --no-verify}); null: when an engine is installed
   * @param reports where the report goes (JSON, HTML)
   * @param withDigest true to read DEST's manifest digest back into the report
   */
  public record Request(ImageReference source, TransportOptions sourceOptions, ImageReference destination, TransportOptions destinationOptions,
      Minifier.Options options, Probing probing, boolean noProbe, Boolean verify, int repairRounds, ReportFiles reports, boolean withDigest) {}

  /** Told of progress lines and of each verification round as it ends. */
  public interface Listener {
    void progress(String line);

    void round(Repair.Round round);
  }

  /**
   * What the run did: the finished report, the verification with its repair (null when not
   * verified, and then why not), the probes SRC was run with, and whether a traced run was used.
   */
  public record Result(Report report, Repair.Result repaired, String notVerified, List<Probe> probes, boolean traced) {}

  private final Request q;
  private final Listener listener;
  private Minifier.Options options;
  private Engine engine;
  private HostStrace strace;
  private String notVerified;

  private MinifyRun(Request q, Listener listener) {
    this.q = q;
    this.listener = listener;
    this.options = q.options();
  }

  public static Result run(Request q, Listener listener) throws IOException {
    return new MinifyRun(q, listener).run();
  }

  private Result run() throws IOException {
    notVerified = q.noProbe() ? "--no-probe leaves no run of SRC to compare DEST with" : Boolean.FALSE.equals(q.verify()) ? "--no-verify" : null;
    Path work = TempFiles.createDirectory(q.sourceOptions().tempDir(), "minify");
    try (Image image = q.source().read(q.sourceOptions()); ImageMount mount = ImageMount.of(q.source(), image).orElse(null)) {
      chooseEngine();
      try (EngineImage original = engine == null ? null : EngineImage.of(q.source(), q.sourceOptions(), engine);
          Minifier.Source unpacked = mount == null ? Minifier.unpack(image, work) : Minifier.of(image, new RootFs(mount.dir()))) {
        List<Probe> probes = q.probing().given().isEmpty() && original != null ? List.of(original.startup()) : q.probing().given();
        List<Outcome> reference = strace == null ? null : trace(original, probes, work);
        Repair.Result repaired = null;
        Report built;
        Contents packages;
        if (notVerified == null && original != null) {
          repaired = verifyAndRepair(original, probes, reference, unpacked, work);
          built = repaired.report();
          packages = repaired.packages();
        } else {
          Minifier.Result result = Minifier.minify(unpacked, work, options);
          try (Image shrunk = result.image()) {
            q.destination().write(shrunk, q.destinationOptions());
          }
          built = result.report();
          packages = result.packages();
          notVerified = notVerified != null ? notVerified : "no container engine to run SRC";
        }
        List<String> labels = strace == null ? List.of() : probes.stream().map(Probe::label).toList();
        Report report = Written.report(built, packages, q.destination(), q.destinationOptions(), q.withDigest(), q.reports(), labels);
        return new Result(report, repaired, notVerified, probes, strace != null);
      }
    } finally {
      TempFiles.deleteTree(work);
    }
  }

  /**
   * The engine and strace: a must for the probes given and --verify; else the start-up probe and
   * the verification run when there is one, and their absence is told.
   */
  private void chooseEngine() throws IOException {
    List<Probe> given = q.probing().given();
    engine = !given.isEmpty() || Boolean.TRUE.equals(q.verify()) ? q.probing().engine() : null;
    if (q.noProbe()) {
      return;
    }
    try {
      engine = engine == null ? q.probing().engine() : engine;
      strace = HostStrace.find();
    } catch (IOException e) {
      if (!given.isEmpty()) {
        throw e;
      }
      listener.progress("probe: start-up probe skipped (static analysis only): " + e.getMessage());
      if (q.verify() == null) {
        engine = null;
        notVerified = "nothing ran SRC (" + e.getMessage() + ")";
      }
    }
  }

  /** Traces SRC with the probes; what it used joins the options; returns its answers. */
  private List<Outcome> trace(EngineImage original, List<Probe> probes, Path work) throws IOException {
    long started = System.nanoTime();
    ContainerRunner.Settings settings = q.probing().settings(original.engine(), original.name(), options.command().entrypoint(),
        options.command().cmd());
    Tracer.Result traced;
    try {
      traced = new Tracer(original.engine(), strace, settings).trace(original.name(), null, probes, work);
    } catch (ProbeFailedException e) {
      throw new IOException(q.source() + ": " + e.getMessage() + "\nNothing was written. " + (q.probing().given().isEmpty()
          ? "With no probe given, minify runs the image's own command once (the start-up probe): give a probe the image passes "
          + "(--probe-http PORT:PATH, --probe-cmd ARGS), or --no-probe." : "Check the probe (port, path, arguments) and --probe-timeout."), e);
    }
    options = options.toBuilder().traced(new Minifier.Traced(traced.requirements(), traced.pythonFiles())).build();
    listener.progress(String.format("probe: traced %s: %d file calls, %d paths of the image (%d ms)",
        String.join(", ", probes.stream().map(Probe::label).toList()), traced.events(), traced.requirements().size(),
        (System.nanoTime() - started) / 1_000_000));
    return traced.outcomes();
  }

  /** Builds, writes DEST and verifies it against SRC's answers ({@code reference}, or one plain run of SRC), repairing. */
  private Repair.Result verifyAndRepair(EngineImage original, List<Probe> probes, List<Outcome> reference, Minifier.Source unpacked, Path work)
      throws IOException {
    List<Outcome> answers = reference != null ? reference
        : new ContainerRunner(original.engine(), q.probing().settings()).run(original.name(), probes, ContainerRunner.Wrapper.NONE);
    return new Repair(answers, probes, q.probing().ignore(), q.probing().settings(), listener::round)
        .run(unpacked, work, options, q.repairRounds(), this::publish);
  }

  /** Writes a build to DEST and returns it as an engine can run it: where it is, or loaded under a temporary name. */
  private EngineImage publish(Image shrunk) throws IOException {
    q.destination().write(shrunk, q.destinationOptions());
    return Probing.runnable(q.destination(), shrunk, q.destinationOptions(), engine);
  }
}

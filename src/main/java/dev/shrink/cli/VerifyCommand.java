package dev.shrink.cli;

import dev.shrink.probe.EngineImage;
import dev.shrink.probe.Probe;
import dev.shrink.run.Probing;
import dev.shrink.transport.ImageReference;
import dev.shrink.verify.Verifier;
import java.nio.file.Files;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code shrink verify ORIGINAL SHRUNK}: both images answer the same probes the same way. */
@Command(name = "verify", mixinStandardHelpOptions = true,
    header = "Runs an original and a shrunk image with the same probes and compares them.",
    description = {"Runs ORIGINAL and SHRUNK with the same probes and compares HTTP status and",
        "body, exit code and stdout; reports missing files and modules. With no probe",
        "given: the start-up probe, ORIGINAL's own command, asked GET / when it EXPOSEs",
        "ports (any status is an answer), else run to its end. ORIGINAL must pass the",
        "probes first (an answer, a script's exit 0, a command that could be started);",
        "only then is SHRUNK compared with it. Exit 1 when ORIGINAL does not pass or",
        "SHRUNK differs."})
final class VerifyCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "ORIGINAL", converter = TransportMixin.ReferenceConverter.class, description = "The fat image.")
  ImageReference original;

  @Parameters(index = "1", paramLabel = "SHRUNK", converter = TransportMixin.ReferenceConverter.class, description = "The shrunk image.")
  ImageReference shrunk;

  @Mixin
  ProbeMixin probe;

  @Mixin
  TransportMixin transport;

  @Override
  public Integer call() throws Exception {
    Probing probing = probe.probing();
    var options = transport.source();
    Files.createDirectories(options.tempDir());
    var engine = probing.engine();
    try (EngineImage a = EngineImage.of(original, options, engine); EngineImage b = EngineImage.of(shrunk, options, engine)) {
      List<Probe> probes = probing.given().isEmpty() ? List.of(a.startup()) : probing.given();
      Verifier.Report report = Verifier.verify(a.engine(), a.name(), b.engine(), b.name(), probes, probing.ignore(), probing.settings());
      return ProbeMixin.print(report, System.out);
    }
  }
}

package dev.shrink.cli;

import dev.shrink.probe.EngineImage;
import dev.shrink.transport.ImageReference;
import dev.shrink.verify.Verifier;
import java.nio.file.Files;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code shrink verify ORIGINAL SHRUNK}: both images answer the same probes the same way. */
@Command(name = "verify", mixinStandardHelpOptions = true,
    header = "Runs an original and a shrunk image with the same probes and compares them.",
    description = {"Runs ORIGINAL and SHRUNK with the same probes (default: each one's own command) and compares",
        "HTTP status and body, exit code and stdout; reports missing files and modules. Exit 1 on a difference."})
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
    var options = transport.source();
    Files.createDirectories(options.tempDir());
    var engine = probe.engine();
    try (EngineImage a = EngineImage.of(original, options, engine); EngineImage b = EngineImage.of(shrunk, options, engine)) {
      Verifier.Report report = Verifier.verify(a.engine(), a.name(), b.engine(), b.name(), probe.probes(), probe.ignorePatterns(), probe.settings());
      return ProbeMixin.print(report, System.out);
    }
  }
}

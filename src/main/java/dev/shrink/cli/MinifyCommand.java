package dev.shrink.cli;

import dev.shrink.bytecode.Compiler;
import dev.shrink.image.Image;
import dev.shrink.image.Json;
import dev.shrink.layer.TempFiles;
import dev.shrink.minify.Minifier;
import dev.shrink.minify.MinifyReport;
import dev.shrink.probe.ContainerRunner;
import dev.shrink.probe.EngineImage;
import dev.shrink.probe.HostStrace;
import dev.shrink.probe.Tracer;
import dev.shrink.verify.Verifier;
import dev.shrink.transport.ImageReference;
import dev.shrink.transport.TransportOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code shrink minify SRC DEST}: a FROM-scratch image with only what the command needs. */
@Command(name = "minify", mixinStandardHelpOptions = true,
    description = {"Writes a FROM-scratch image holding only the files SRC's command needs, found by static analysis,",
        "running as a non-root user (65532 unless the image already runs as non-root)."})
final class MinifyCommand implements Callable<Integer> {
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
  ProbeMixin probe;

  @Option(names = "--verify", description = "After writing DEST, run it and SRC with the probes and compare (as 'shrink verify'); exit 1 on a difference.")
  boolean verify;

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    int level = bytecode.optimize(spec);
    TransportOptions srcOptions = transport.source();
    Minifier.Options options = new Minifier.Options(json(entrypoint, "--entrypoint"), json(cmd, "--cmd"), user, includes, excludes,
        bytecode.keepSources, dev.shrink.layer.Compression.GZIP, dev.shrink.layer.Compression.GZIP.defaultLevel())
        .withBytecode(level, Compiler.inEngine(() -> EngineImage.of(source, srcOptions)));
    Files.createDirectories(srcOptions.tempDir());
    Path work = Files.createTempDirectory(srcOptions.tempDir(), "shrink-minify-");
    int exit = 0;
    try (Image image = source.read(srcOptions)) {
      if (probe.any()) {
        long started = System.nanoTime();
        try (EngineImage original = EngineImage.of(source, srcOptions)) {
          ContainerRunner.Settings settings = probe.settings(original.engine(), original.name(), options.entrypoint(), options.cmd());
          Tracer.Result traced = new Tracer(original.engine(), HostStrace.find(), settings).trace(original.name(), null, probe.probes(), work);
          options = options.withExtra(traced.requirements(), traced.pythonFiles());
          System.err.printf("probe: traced %d file calls, %d paths of the image (%d ms)%n", traced.events(), traced.requirements().size(),
              (System.nanoTime() - started) / 1_000_000);
        }
      }
      Minifier.Result result = Minifier.minify(image, work, options);
      try (Image shrunk = result.image()) {
        destination.write(shrunk, transport.destination());
        if (verify) {
          try (EngineImage a = EngineImage.of(source, srcOptions);
              EngineImage b = List.of("containers-storage", "docker-daemon").contains(destination.transport().name())
                  ? EngineImage.of(destination, transport.destination()) : EngineImage.load(shrunk, transport.destination())) {
            exit = ProbeMixin.print(Verifier.verify(a.engine(), a.name(), b.engine(), b.name(), probe.probes(), probe.ignorePatterns(),
                probe.settings()), System.out);
          }
        }
      }
      MinifyReport r = result.report();
      if (report != null) {
        Path tmp = Files.createTempFile(report.toAbsolutePath().getParent(), ".report-", ".json");
        Files.write(tmp, Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(r.json()));
        Files.move(tmp, report, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
      }
      r.problems().forEach(p -> System.err.println("warning: " + p));
      System.err.printf("%-8s %10s %8s %12s%n", "", "layers", "files", "file bytes");
      System.err.printf("%-8s %10s %8d %12s%n", "before", Sizes.human(r.before().compressed()), r.before().files(), Sizes.human(r.before().fileBytes()));
      System.err.printf("%-8s %10s %8d %12s%n", "after", Sizes.human(r.after().compressed()), r.after().files(), Sizes.human(r.after().fileBytes()));
      System.err.println("Wrote " + destination);
      System.err.printf("probe: %d files kept only because a traced run used them%n", r.json().path("files").valueStream()
          .filter(f -> f.path("reasons").valueStream().allMatch(x -> x.path("analyser").asString("").equals("probe"))).count());
    } finally {
      TempFiles.deleteTree(work);
    }
    return exit;
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

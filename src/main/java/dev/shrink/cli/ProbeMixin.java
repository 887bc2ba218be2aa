package dev.shrink.cli;

import dev.shrink.engine.Engine;
import dev.shrink.probe.ContainerRunner;
import dev.shrink.probe.Outcome;
import dev.shrink.probe.Probe;
import dev.shrink.verify.Verifier;
import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import picocli.CommandLine.Option;

/** The probe options shared by {@code minify} and {@code verify}. */
final class ProbeMixin {
  @Option(names = "--probe-http", paramLabel = "PORT:PATH", description = "GET PATH on container port PORT once it answers (repeatable).")
  List<String> http = new ArrayList<>();

  @Option(names = "--probe-cmd", paramLabel = "ARGS", description = "Run the image with these arguments ('' = its default command) (repeatable).")
  List<String> cmd = new ArrayList<>();

  @Option(names = "--probe-script", paramLabel = "PORT:FILE", description = {"Once container port PORT answers HTTP, run FILE (an executable",
      "on this machine, e.g. the app's API tests) with the container's URL as its first argument and in SHRINK_URL;",
      "exit 0 means the image passed (repeatable)."})
  List<String> scripts = new ArrayList<>();

  /** The engines images can be run with. */
  enum EngineName { auto, podman, docker }

  @Option(names = "--engine", paramLabel = "podman|docker", defaultValue = "auto",
      description = {"Engine that runs images of transports other than containers-storage: (podman) and docker-daemon: (docker);",
          "default (auto): podman if installed, else docker."})
  EngineName engine;

  @Option(names = "--probe-timeout", paramLabel = "SECONDS", defaultValue = "60", description = "How long to wait for an HTTP answer (default ${DEFAULT-VALUE}); a command probe gets twice this.")
  int timeout;

  @Option(names = "--ignore-regex", paramLabel = "REGEX", description = "Text matching this is ignored when outputs are compared (repeatable).")
  List<String> ignore = new ArrayList<>();

  List<Probe> probes() {
    return Probe.of(http, cmd, scripts);
  }

  boolean any() {
    return !http.isEmpty() || !cmd.isEmpty() || !scripts.isEmpty();
  }

  Engine engine() throws IOException {
    return Engine.of(engine.name());
  }

  List<Pattern> ignorePatterns() {
    return ignore.stream().map(Pattern::compile).toList();
  }

  ContainerRunner.Settings settings() {
    return new ContainerRunner.Settings(List.of(), List.of(), Duration.ofSeconds(timeout), Duration.ofSeconds(2L * timeout), Duration.ofSeconds(10));
  }

  ContainerRunner.Settings settings(Engine engine, String image, List<String> entrypoint, List<String> cmdOverride) throws IOException {
    return ContainerRunner.Settings.fromEngine(engine, image, entrypoint, cmdOverride, Duration.ofSeconds(timeout), Duration.ofSeconds(2L * timeout));
  }

  /** Prints a verification report; returns the exit code (0 same, 1 differences). */
  static int print(Verifier.Report report, PrintStream out) {
    for (int i = 0; i < report.shrunk().size(); i++) {
      Outcome o = report.shrunk().get(i);
      out.println("probe " + o.probe().label() + ": " + (o.probe() instanceof Probe.Http ? "status " : "exit code ") + o.status()
          + (o.error() != null ? " (" + o.error() + ")" : ""));
    }
    if (report.ok()) {
      out.println("verify: the shrunk image answers like the original");
      return 0;
    }
    report.differences().forEach(d -> out.println("verify: " + d));
    if (!report.missing().isEmpty()) {
      out.println("verify: missing in the shrunk image: " + String.join(", ", report.missing()));
    }
    return 1;
  }
}

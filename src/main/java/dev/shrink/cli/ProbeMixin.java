package dev.shrink.cli;

import dev.shrink.probe.Outcome;
import dev.shrink.probe.Probe;
import dev.shrink.run.Probing;
import dev.shrink.verify.Verifier;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Stack;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import picocli.CommandLine.IParameterConsumer;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** The probe options shared by {@code minify} and {@code verify}. */
final class ProbeMixin {
  @Option(names = "--probe-http", paramLabel = "PORT:PATH", description = "GET PATH on container port PORT once it answers (repeatable).")
  List<String> http = new ArrayList<>();

  @Option(names = "--probe-cmd", paramLabel = "ARGS", parameterConsumer = ImageArgs.class,
      description = "Run the image with these arguments ('' = its default command; --probe-cmd --version works) (repeatable).")
  List<String> cmd = new ArrayList<>();

  /**
   * Takes the next argument as the value of {@code --probe-cmd} even when it looks like an option
   * ({@code --probe-cmd --version}, {@code --probe-cmd=--help}): it is the image's argument list, not
   * shrink's; picocli refuses such values otherwise.
   */
  static final class ImageArgs implements IParameterConsumer {
    @Override
    public void consumeParameters(Stack<String> args, ArgSpec option, CommandSpec command) {
      if (args.isEmpty()) {
        throw new ParameterException(command.commandLine(), "Missing required parameter for option '--probe-cmd' (ARGS)");
      }
      List<String> values = option.getValue();
      values.add(args.pop());
    }
  }

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

  @Spec(Spec.Target.MIXEE)
  CommandSpec command;

  /**
   * The probes the options name, after checking every probe option (the probes, --probe-timeout,
   * --ignore-regex): a bad value is a usage error (exit 2); commands call this before any work.
   */
  List<Probe> probes() {
    if (timeout < 1) {
      throw new ParameterException(command.commandLine(), "--probe-timeout must be 1 second or more; got " + timeout);
    }
    ignorePatterns();
    try {
      return Probe.of(http, cmd, scripts);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(command.commandLine(), e.getMessage());
    }
  }

  List<Pattern> ignorePatterns() {
    try {
      return ignore.stream().map(Pattern::compile).toList();
    } catch (PatternSyntaxException e) {
      throw new ParameterException(command.commandLine(), "--ignore-regex " + e.getPattern() + ": not a regular expression (" + e.getDescription() + ")");
    }
  }

  /** The probe options as a run takes them, checked (see {@link #probes()}). */
  Probing probing() {
    return new Probing(probes(), engine.name(), Duration.ofSeconds(timeout), ignorePatterns());
  }

  /** Prints a verification report; returns the exit code (0 same, 1 differences or an original that did not pass its probes). */
  static int print(Verifier.Report report, PrintStream out) {
    if (!report.originalFailures().isEmpty()) {
      report.originalFailures().forEach(f -> out.println("verify: the original did not pass its probe " + f));
      out.println("verify: the probe is wrong, not the image: the original must pass its probes before the shrunk image is compared with it");
      return 1;
    }
    for (int i = 0; i < report.shrunk().size(); i++) {
      Outcome o = report.shrunk().get(i);
      out.println("probe " + o.probe().label() + ": " + (o.http() ? "status " : "exit code ") + o.status()
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

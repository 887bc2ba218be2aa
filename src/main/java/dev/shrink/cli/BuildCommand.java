package dev.shrink.cli;

import dev.shrink.build.Builder;
import dev.shrink.json.Json;
import dev.shrink.minify.Minifier;
import dev.shrink.probe.Probe;
import dev.shrink.report.Report;
import dev.shrink.run.BuildRun;
import dev.shrink.transport.ImageReference;
import dev.shrink.transport.TransportOptions;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine;
import tools.jackson.databind.node.ObjectNode;

/** {@code shrink build DEST -- COMMAND}: a FROM-scratch image of an app directory and this machine's interpreter. */
@Command(name = "build", mixinStandardHelpOptions = true,
    header = "Writes a FROM-scratch image of an app directory and this machine's interpreter.",
    description = {"Writes a FROM-scratch image of an application directory and an interpreter of this machine, with no engine:",
        "the machine's files are only read, and only what COMMAND needs is kept (found as minify finds it), plus the app",
        "directory whole and what --copy names. COMMAND is what the image runs, paths as they are in the image; a script",
        "(app.py) or a module (-m pkg) is run by --python. The image runs as 65532:65532 unless --user says otherwise.",
        "",
        "Probes (--probe-http, --probe-cmd) run COMMAND here, on this machine, under its strace, with NO container and NO",
        "sandbox: the program really runs, as the user running shrink and with that user's rights, in the app directory,",
        "with only PATH and the --env values in its environment. --probe-http PORT:PATH asks 127.0.0.1:PORT of this machine",
        "(the program binds it here); --probe-cmd ARGS runs COMMAND ARGS, as 'podman run IMAGE ARGS' runs the image. What",
        "the runs used joins the image (private files of this machine stay out). --verify then runs the image under podman",
        "(docker for a docker-daemon: DEST) with the same probes and compares its answers with this machine's run.",
        "Exit codes: 0 done, 1 failed or a verified difference, 2 bad usage, 3 --verify without the engine (nothing written)."})
final class BuildCommand implements Callable<Integer> {
  /** Exit code of --verify when the engine to run the image is missing. */
  static final int NO_ENGINE = 3;

  @Parameters(index = "0", paramLabel = "DEST", converter = TransportMixin.ReferenceConverter.class,
      description = "Where to write the image, e.g. docker-archive:app.tar:app:latest.")
  ImageReference destination;

  @Parameters(index = "1..*", paramLabel = "COMMAND", arity = "1..*",
      description = "After --: what the image runs, e.g. -- /usr/bin/python3 server.py, -- app.py, -- -m gunicorn app:api.")
  List<String> command = new ArrayList<>();

  @Option(names = "--app", paramLabel = "DIR[:/app]", description = "The application directory (default: the current one), copied whole to /app "
      + "(or the image path given), which is the WORKDIR.")
  String app = ".";

  @Option(names = "--python", paramLabel = "PATH", description = "Interpreter of a script or -m COMMAND: a path on this machine (a virtual "
      + "environment's bin/python too; a wrapper script such as a pyenv shim is run once to learn the interpreter it starts), or a name found "
      + "on the image's PATH (default: python3 as your PATH finds it). With a program COMMAND, it must be the interpreter of its #! line.")
  String python;

  @Option(names = "--copy", paramLabel = "SRC:DEST", description = "Also put this file or directory of this machine at DEST in the image (repeatable).")
  List<String> copies = List.of();

  @Option(names = "--env", paramLabel = "NAME=VALUE", description = "Environment of the image (repeatable); nothing else of this machine's "
      + "environment goes in. PATH has a default.")
  List<String> env = List.of();

  @Option(names = "--user", paramLabel = "UID[:GID]", description = "Run user of the image (default: 65532:65532).")
  String user;

  @Option(names = "--exclude", paramLabel = "GLOB", description = "Never keep image paths matching this glob (repeatable), e.g. '/app/tests/**'.")
  List<String> excludes = List.of();

  @Mixin
  BytecodeMixin bytecode;

  @Mixin
  ReportMixin report;

  @Mixin
  TransportMixin transport;

  @Mixin
  ProbeMixin probe;

  @Mixin
  OutputMixin output;

  @Mixin
  Results results;

  @Option(names = "--verify", negatable = true, description = "After writing DEST, run it under podman with the probes (the default command when "
      + "none is given) and compare with the traced run on this machine; exit 1 on a difference (DEST is written), 3 when podman (docker for "
      + "docker-daemon:) is missing. On by default when a probe is given and the engine is installed; --no-verify skips it.")
  Boolean verify;

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    Builder.Spec buildSpec = buildSpec();
    long start = System.nanoTime();
    TransportOptions options = transport.destination();
    Minifier.Output layers = output.output(spec, options.format());
    BuildRun.Result done = BuildRun.run(new BuildRun.Request(buildSpec, layers, destination, options, probe.probing(), verify, report.files(spec),
        results.wantsDigest()), line -> results.progress().println(line));
    if (done.missingEngine() != null) {
      System.err.println("shrink: error: --verify runs the built image under " + done.missingEngine() + ", which is not installed (not found "
          + "on PATH); nothing was written. Install it, or build without --verify");
      return NO_ENGINE;
    }
    int exit = 0;
    String verdict = "verify: not checked: " + done.notVerified();
    if (done.verified() != null) {
      exit = ProbeMixin.print(done.verified(), results.verdicts());
      String checked = String.join(", ", done.probes().stream().map(Probe::label).toList());
      verdict = exit == 0
          ? String.format("verify: passed: %s answers %s like COMMAND run on this machine (%d ms)", destination, checked, done.verifyMillis())
          : "verify: FAILED: " + destination + " does not behave like COMMAND run on this machine under " + checked + "; it was written so "
              + "that you can look at it. Try --copy or --python for what it lacks, or a probe of the path that failed";
    }
    Builder.Plan plan = done.plan();
    Report r = done.report();
    plan.notes().forEach(n -> results.progress().println("note: " + n));
    Results.problems(r.problems(), System.err);
    java.io.PrintStream out = results.table();
    out.println("Entrypoint " + Json.MAPPER.writeValueAsString(plan.entrypoint()) + ", WORKDIR " + plan.hostRoot().appDir()
        + ", user " + r.user());
    out.printf("%-8s %12s %14s %8s %12s%n", "", "layers", "uncompressed", "files", "file bytes");
    out.printf("%-8s %12s %14s %8d %12s%n", "image", Sizes.human(r.after().compressedLayers()),
        Sizes.human(r.after().uncompressedLayers()), r.after().files(), Sizes.human(r.after().fileBytes()));
    OutputMixin.printLayers(r, out);
    if (done.traced()) {
      results.progress().printf("probe: %d files kept only because a traced run used them%n", r.probeOnly());
    }
    out.printf("Wrote %s in %.1f s%n", destination, (System.nanoTime() - start) / 1e9);
    results.verdicts().println(verdict);
    ObjectNode summary = Results.summary(destination, r, false, exit);
    summary.put("python", plan.python());
    results.finish(r.digest(), summary);
    return exit;
  }

  /** What to build, from the options; a malformed --app, --copy or --env is a usage error. */
  private Builder.Spec buildSpec() {
    String[] appParts = split(app, "--app", false);
    List<Builder.Copy> copyList = new ArrayList<>();
    for (String c : copies) {
      String[] parts = split(c, "--copy", true);
      copyList.add(new Builder.Copy(Path.of(parts[0]), parts[1]));
    }
    Map<String, String> envMap = new LinkedHashMap<>();
    for (String e : env) {
      int eq = e.indexOf('=');
      if (eq <= 0) {
        throw new CommandLine.ParameterException(spec.commandLine(), "--env " + e + ": give NAME=VALUE (this machine's environment is never copied)");
      }
      envMap.put(e.substring(0, eq), e.substring(eq + 1));
    }
    return new Builder.Spec(Path.of(appParts[0]), appParts[1], copyList, envMap, user, python, command, excludes,
        bytecode.bytecode(spec));
  }

  /** {@code SRC[:/IMAGE/PATH]}: split at the last ':' followed by '/'. */
  private String[] split(String value, String option, boolean targetRequired) {
    int colon = value.lastIndexOf(":/");
    if (colon > 0) {
      return new String[] {value.substring(0, colon), value.substring(colon + 1)};
    }
    if (targetRequired) {
      throw new CommandLine.ParameterException(spec.commandLine(), option + " " + value + ": give SRC:DEST, DEST an absolute path in the image");
    }
    return new String[] {value, null};
  }
}

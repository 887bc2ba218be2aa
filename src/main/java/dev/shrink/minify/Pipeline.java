package dev.shrink.minify;

import dev.shrink.fs.RootFs;
import dev.shrink.fs.SystemPaths;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The steps of minify and build, in order, over one {@link Selection}: what the command needs (the
 * analysers), then what narrows or rewrites it. A build (a machine's root, {@link HostRoot}) differs
 * where it must: what the user named instead of the WORKDIR, and the guard against the machine's
 * private files. {@link Minifier} writes the result as layers.
 */
final class Pipeline {
  private Pipeline() {}

  /**
   * The steps for {@code run} on the root of the image {@code name} (a machine's when {@code
   * options.host()} is set); files they write go under {@code workDir}; {@code survey} has the root's packages.
   */
  static List<Step> steps(RunCommand run, String imageUser, String name, Path workDir, Minifier.Options options, long epoch, Survey survey) {
    HostRoot host = options.host();
    List<Step> steps = new ArrayList<>();
    steps.add(new KeepCommand(run));
    steps.add(host == null ? new KeepAppDirs(appDirs(run, host)) : new KeepNamed(host));
    steps.add(Step.phase("python analysis", new AnalysePython(run, host, options.traced().pythonFiles(), options.traced().paths())));
    steps.add(new KeepTraced(options.traced().paths()));
    if (options.bytecode().purePython()) {
      steps.add(new SwapPurePython());
    }
    steps.add(Step.phase("elf analysis", new ResolveLibraries(run.env())));
    steps.add(new KeepSystemFiles(run.env()));
    steps.add(new KeepIncludes(options.paths().includes(), name));
    steps.add(Step.phase("elf analysis", new ResolveLibraries(run.env())));
    steps.add(new KeepWorkdir(run.workdir()));
    if (host != null) {
      steps.add(new GuardHost(host));
    }
    if (!options.paths().excludes().isEmpty()) {
      steps.add(new DropExcluded(options.paths().excludes()));
    }
    if (host != null) {
      steps.add(new CheckHost(host));
    }
    steps.add(new AddRunUser(imageUser, options.command().user(), host == null, workDir));
    steps.add(new DropUnread());
    if (!options.bytecode().keepSources()) {
      steps.add(Step.phase("bytecode compile", new MakeSourceless(options.bytecode().target(), options.compiler(), appDirs(run, host), workDir)));
    }
    if (options.output().zipStdlib()) {
      steps.add(Step.phase("stdlib zip", new ZipStdlib(workDir, epoch)));
    }
    if (options.output().strip()) {
      steps.add(Step.phase("strip", new StripElf(workDir)));
    }
    steps.add(new WriteDpkgStatus(workDir.resolve("dpkg-status"), survey));
    return steps;
  }

  /** Runs {@code steps} on a new selection of {@code root}. */
  static Selection select(RootFs root, List<Step> steps) throws IOException {
    Selection s = new Selection(new FileSet(root));
    for (Step step : steps) {
      step.apply(s);
    }
    return s;
  }

  /**
   * The application directories: what the user named on a host root; in an image the WORKDIR,
   * unless it is a system directory.
   */
  static List<String> appDirs(RunCommand run, HostRoot host) {
    if (host != null) {
      return host.namedDirs();
    }
    String dir = RootFs.normalize(run.workdir());
    return dir.equals("/") || SystemPaths.OS_DIRS.contains(dir) ? List.of() : List.of(dir);
  }
}

package dev.shrink.probe;

import dev.shrink.closure.Analyser;
import dev.shrink.closure.Requirement;
import dev.shrink.fs.RootFs;
import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs an image's command on this machine, with no container, under this machine's strace, once
 * per probe ({@code shrink build}). The image is a view of this machine ({@link RootFs} with
 * mounts): the command's image paths under a mount (the app directory at /app) are run from where
 * they are here, the current directory is the WORKDIR's place here, and the environment is the
 * given variables only. What the processes used is mapped back to image paths. There is no
 * sandbox: the program really runs here, as the user running shrink, with that user's rights, and
 * binds its ports on this machine.
 */
public final class HostProcessTracer {
  private final HostStrace strace;
  private final ContainerRunner.Settings settings;

  /** {@code settings} gives the image's command (entrypoint, cmd: image paths) and the time limits. */
  public HostProcessTracer(HostStrace strace, ContainerRunner.Settings settings) {
    this.strace = strace;
    this.settings = settings;
  }

  /**
   * Traces each probe in a run of its own. Kept are the paths the view has that the run did not
   * make or change (what the program wrote is run-time state), without the kernel's and the
   * engine's files ({@link Tracer#keep}). A probe the program does not pass ends the tracing with a
   * {@link ProbeFailedException}.
   *
   * @param view the image's view of this machine
   * @param workdir the WORKDIR (an image path)
   * @param env the whole environment of the runs; nothing of shrink's own environment is passed on
   */
  public Tracer.Result trace(RootFs view, String workdir, Map<String, String> env, List<Probe> probes, Path workDir) throws IOException {
    List<Path> asIs = namedHere(view, settings.entrypoint());
    // file times come from a coarser clock, a few ms behind: a program writes later than that after its start;
    // what one probe's run wrote is run-time state for the next ones too
    Instant started = Instant.now();
    Tracer.TracedRun traced = (probe, dir) -> run(probe, settings.argv(probe).stream().map(a -> toHost(view, a)).toList(),
        view.host(workdir), env, dir);
    return Tracer.collect(probes, workDir, "the program on this machine", traced, StraceParser::parse, (probe, e) -> {
      List<Requirement> out = new ArrayList<>();
      for (String hostPath : Tracer.paths(e)) {
        String path = toImage(view, asIs, hostPath);
        if (Tracer.keep(view, path) && !changedSince(Path.of(hostPath), started)) {
          out.add(new Requirement(path, Analyser.PROBE, "probe " + probe.label() + " (on this machine): " + e.syscall()));
        }
      }
      return out;
    });
  }

  /** One traced run: an HTTP probe asks the program once it answers, a command probe waits for it to end; then a graceful stop. */
  private Outcome run(Probe probe, List<String> argv, Path cwd, Map<String, String> env, Path dir) throws IOException {
    if (probe instanceof Probe.Http h) {
      refuseBusyPort(h);
    }
    ProcessBuilder pb = new ProcessBuilder(strace.hostCommand(dir.resolve("trace"), argv)).directory(cwd.toFile())
        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
        .redirectOutput(dir.resolve("stdout").toFile()).redirectError(dir.resolve("stderr").toFile());
    pb.environment().clear();
    pb.environment().putAll(env);
    Process process = pb.start();
    Outcome answer = null;
    try {
      if (probe instanceof Probe.Http h) {
        answer = ContainerRunner.await(h, List.of(URI.create("http://127.0.0.1:" + h.port() + h.path())),
            "GET " + h.path() + " on 127.0.0.1:" + h.port(), settings.startup(), process::isAlive, "the program");
      } else if (!process.waitFor(settings.commandTimeout().toSeconds(), TimeUnit.SECONDS)) {
        answer = new Outcome(probe, -1, "", "", "did not finish in " + settings.commandTimeout().toSeconds() + " s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    } finally {
      stop(process);
    }
    String stdout = Files.readString(dir.resolve("stdout"), StandardCharsets.UTF_8);
    String logs = stdout + Files.readString(dir.resolve("stderr"), StandardCharsets.UTF_8);
    if (answer == null) {
      return new Outcome(probe, process.exitValue(), stdout, logs, null);
    }
    return new Outcome(probe, answer.status(), probe instanceof Probe.Http ? answer.body() : stdout, logs, answer.error());
  }

  /**
   * SIGTERM to the traced program (strace, writing to a file, blocks fatal signals, so the signal
   * goes to its children), up to the grace time for it to exit, then SIGKILL to every process left.
   */
  private void stop(Process process) throws IOException {
    try {
      if (process.isAlive()) {
        process.children().forEach(ProcessHandle::destroy);
        if (process.waitFor(settings.stopGrace().toMillis(), TimeUnit.MILLISECONDS)) {
          return;
        }
      }
      process.descendants().forEach(ProcessHandle::destroyForcibly);
      process.destroyForcibly();
      process.waitFor(settings.stopGrace().toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      process.descendants().forEach(ProcessHandle::destroyForcibly);
      process.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
  }

  /** The program binds on this machine: a port something else already answers on would be asked instead. */
  private static void refuseBusyPort(Probe.Http probe) throws IOException {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", probe.port()), 1000);
    } catch (IOException e) {
      return; // nothing listens: free for the program
    }
    throw new IOException("--probe-http " + probe.port() + ":" + probe.path() + ": something on this machine already listens on 127.0.0.1:"
        + probe.port() + "; the probe runs the program here, on this machine, and would ask that instead. Stop it, or let the program "
        + "listen on another port");
  }

  /** An argument naming an image path under a mount (/app/x.py), as the path here; other arguments as they are. */
  private static String toHost(RootFs view, String arg) {
    if (!arg.startsWith("/")) {
      return arg;
    }
    String path = RootFs.normalize(arg);
    for (RootFs.Mount m : view.mounts()) {
      if (path.equals(m.imagePath()) || path.startsWith(m.imagePath() + "/")) {
        return view.host(path).toString();
      }
    }
    return arg;
  }

  /**
   * Directories inside mounts that the command names by their path on this machine, and that the
   * image therefore has at that path: a virtual environment in the app directory used where it was
   * made (its pyvenv.cfg marks it), or the named file itself.
   */
  private static List<Path> namedHere(RootFs view, List<String> entrypoint) {
    List<Path> out = new ArrayList<>();
    for (String arg : entrypoint) {
      if (!arg.startsWith("/")) {
        continue;
      }
      Path p = Path.of(RootFs.normalize(arg));
      for (RootFs.Mount m : view.mounts()) {
        if (p.startsWith(m.host())) {
          Path venv = p;
          while (venv != null && venv.startsWith(m.host()) && !Files.isRegularFile(venv.resolve("pyvenv.cfg"))) {
            venv = venv.getParent();
          }
          out.add(venv != null && venv.startsWith(m.host()) ? venv : p);
        }
      }
    }
    return out;
  }

  /** A traced path of this machine as the image has it: under a mount at the mount's image path, else the same. */
  private static String toImage(RootFs view, List<Path> asIs, String hostPath) {
    Path p = Path.of(hostPath);
    if (asIs.stream().anyMatch(p::startsWith)) {
      return hostPath;
    }
    try {
      return view.imagePath(p);
    } catch (IllegalArgumentException e) {
      return hostPath;
    }
  }

  /** True when the run made or modified the file (a log, a cache, a database): what it wrote is not what it needs. */
  private static boolean changedSince(Path host, Instant started) {
    try {
      return !Files.getLastModifiedTime(host, LinkOption.NOFOLLOW_LINKS).toInstant().isBefore(started);
    } catch (IOException e) {
      return true; // gone again: made by the run
    }
  }
}

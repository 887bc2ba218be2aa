package dev.shrink.bytecode;

import dev.shrink.engine.Engine;
import dev.shrink.fs.RootFs;
import dev.shrink.probe.EngineImage;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Compiles Python sources to bytecode with the image's own interpreter (never another Python), all
 * sources in one run of {@code python -I compile.py}: in a container of the image for {@code
 * minify}, on this machine for {@code build} (whose interpreter is the image's). Tracebacks name
 * the sources' image paths.
 */
public final class Compiler {
  private static final long TIMEOUT_SECONDS = 600;
  private static final String INSIDE = "/.shrink-bytecode";

  /** Opens the image in an engine when it is needed (it may have to be loaded first). */
  public interface Opener {
    EngineImage open() throws IOException;
  }

  /**
   * The compiled bytecode of each source that compiled (image path to a file in the work
   * directory), the errors of the others, and whether the interpreter imported its frozen
   * standard-library modules from its executable (3.11+, frozen modules not turned off).
   */
  public record Compiled(Map<String, Path> pycs, List<String> errors, boolean frozenModules) {}

  private final Opener image;
  private final RootFs host;

  private Compiler(Opener image, RootFs host) {
    this.image = image;
    this.host = host;
  }

  /** Runs the image's interpreter in a container of the image (network off, root read-only, the work directory mounted). */
  public static Compiler inEngine(Opener image) {
    return new Compiler(image, null);
  }

  /** Runs the interpreter of a root that is this machine's own, reading sources through its mounts. */
  public static Compiler onHost(RootFs root) {
    return new Compiler(null, root);
  }

  /**
   * Compiles {@code sources} (image paths) as {@code target} says with {@code interpreter} (an
   * image path), writing into {@code dir}. A source that does not compile is in {@link
   * Compiled#errors()}; a run that fails as a whole is an {@link IOException}.
   */
  public Compiled compile(String interpreter, List<String> sources, Target target, Path dir) throws IOException {
    Files.createDirectories(dir.resolve("out"));
    try (InputStream script = Compiler.class.getResourceAsStream("/python/compile.py")) {
      Files.copy(script, dir.resolve("compile.py"));
    }
    String inside = host == null ? INSIDE : dir.toAbsolutePath().toString();
    StringBuilder jobs = new StringBuilder();
    Map<String, Path> planned = new LinkedHashMap<>();
    for (int i = 0; i < sources.size(); i++) {
      String source = sources.get(i);
      // on the host, a link is followed inside the root (an absolute one must not reach this machine's own file)
      String read = host == null ? source : host.resolve(source).map(r -> host.host(r.path())).orElse(host.host(source)).toString();
      jobs.append(read).append('\0').append(source).append('\0').append(inside).append("/out/").append(i).append(".pyc").append('\0');
      planned.put(source, dir.resolve("out").resolve(i + ".pyc"));
    }
    Files.writeString(dir.resolve("jobs"), jobs, StandardCharsets.UTF_8);
    // -X options an interpreter does not know are ignored (before 3.11 there are no column positions to leave out)
    List<String> args = new ArrayList<>(target.columns() ? List.of() : List.of("-X", "no_debug_ranges"));
    args.addAll(List.of("-I", inside + "/compile.py", inside + "/jobs", Integer.toString(target.optimize())));
    String errors = host == null ? inEngine(interpreter, args, dir) : onHost(interpreter, args);
    Map<String, Path> pycs = new LinkedHashMap<>();
    planned.forEach((source, pyc) -> {
      if (Files.isRegularFile(pyc)) {
        pycs.put(source, pyc);
      }
    });
    Path frozen = dir.resolve("frozen");
    boolean frozenModules = Files.isRegularFile(frozen) && Files.readString(frozen).equals("on");
    // the engine's own warnings share stderr: an error line starts with the source's image path
    return new Compiled(pycs, errors.lines().filter(l -> planned.keySet().stream().anyMatch(s -> l.startsWith(s + ": "))).toList(),
        frozenModules);
  }

  private String inEngine(String interpreter, List<String> args, Path dir) throws IOException {
    try (EngineImage img = image.open()) {
      List<String> run = new ArrayList<>(List.of("run", "--rm", "--network", "none", "--read-only", "--user", "0:0",
          "-v", dir.toAbsolutePath() + ":" + INSIDE, "--entrypoint", interpreter, img.name()));
      run.addAll(args);
      return img.engine().check(TIMEOUT_SECONDS, run.toArray(String[]::new)).stderr();
    }
  }

  private String onHost(String interpreter, List<String> args) throws IOException {
    List<String> cmd = new ArrayList<>(List.of(host.host(interpreter).toString()));
    cmd.addAll(args);
    Engine.Result r = Engine.exec(cmd, Map.of(), TIMEOUT_SECONDS);
    if (!r.ok()) {
      throw new IOException(String.join(" ", cmd) + " failed (exit " + r.exitCode() + "): " + (r.stdout() + r.stderr()).strip());
    }
    return r.stderr();
  }
}

package dev.shrink.minify;

import dev.shrink.closure.Analyser;
import dev.shrink.closure.Requirement;
import dev.shrink.fs.RootFs;
import dev.shrink.fs.SystemPaths;
import dev.shrink.image.ImageConfig;
import dev.shrink.python.Launch;
import dev.shrink.python.PythonCommandLine;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * What the image runs: ENTRYPOINT + CMD in exec form, the program found on PATH, and the chain of
 * {@code #!} interpreters down to a real executable.
 *
 * @param argv the full command line in exec form (entrypoint followed by cmd)
 * @param entrypoint the exec-form entrypoint to write into the output config
 * @param cmd the exec-form cmd to write into the output config
 * @param programs image paths of what the kernel executes: the program, then each interpreter
 * @param interpreterArgs per program, the argument list it sees (a script's interpreter sees the script path first)
 * @param requirements the programs and the links on their way, with reasons
 */
public record RunCommand(List<String> argv, List<String> entrypoint, List<String> cmd, String workdir, Map<String, String> env,
    List<String> programs, List<List<String>> interpreterArgs, List<Requirement> requirements) {

  private static final Pattern SHELL_SPECIAL = Pattern.compile("[|&;<>()$`\\\\\"'*?\\[\\]#~=%{}!\\n]");

  /** Resolves the command of an image; {@code entrypoint}/{@code cmd} override the config when not null. */
  public static RunCommand resolve(RootFs root, ImageConfig config, List<String> entrypoint, List<String> cmd) throws IOException {
    List<String> ep = execForm(entrypoint != null ? entrypoint : config.entrypoint(), "ENTRYPOINT");
    List<String> c = entrypoint != null && cmd == null ? List.of() : execForm(cmd != null ? cmd : config.cmd(), "CMD");
    List<String> argv = new ArrayList<>(ep);
    argv.addAll(c);
    if (argv.isEmpty()) {
      throw new IllegalArgumentException("the image has no ENTRYPOINT or CMD; give one with --entrypoint '[\"/path/to/program\", ...]'");
    }
    Map<String, String> env = config.envMap();
    String workdir = config.workingDir().isEmpty() ? "/" : config.workingDir();
    List<String> programs = new ArrayList<>();
    List<List<String>> args = new ArrayList<>();
    List<Requirement> reqs = new ArrayList<>();
    String program = SystemPaths.which(root, argv.get(0), env, workdir)
        .orElseThrow(() -> new IllegalArgumentException("the command's program '" + argv.get(0) + "' is not in the image (PATH "
            + env.getOrDefault("PATH", SystemPaths.DEFAULT_PATH) + ")"));
    List<String> programArgs = argv.subList(1, argv.size());
    String reason = "the command runs " + argv.get(0);
    String askedBy = null;
    for (int depth = 0; depth < 5; depth++) {
      programs.add(program);
      args.add(List.copyOf(programArgs));
      addWithLinks(root, program, reason, askedBy, reqs);
      Optional<List<String>> shebang = shebang(root, program);
      if (shebang.isEmpty()) {
        return new RunCommand(List.copyOf(argv), ep, c, workdir, env, programs, args, reqs);
      }
      List<String> line = shebang.get();
      List<String> next = new ArrayList<>(line.subList(1, line.size()));
      next.add(program);
      next.addAll(programArgs);
      String interpreter = line.get(0);
      if (!root.isRegularFile(interpreter)) {
        throw new IllegalArgumentException(program + " starts with #!" + String.join(" ", line) + " but " + interpreter + " is not in the image");
      }
      reason = "#! interpreter of " + program;
      askedBy = program;
      if (RootFs.normalize(interpreter).endsWith("/env") && !next.isEmpty() && !next.get(0).startsWith("-")) {
        programs.add(interpreter);
        args.add(List.copyOf(next));
        addWithLinks(root, interpreter, reason, askedBy, reqs);
        String name = next.get(0);
        String script = program;
        interpreter = SystemPaths.which(root, name, env, workdir)
            .orElseThrow(() -> new IllegalArgumentException(script + " runs '" + name + "' through env, but it is not on PATH"));
        next = next.subList(1, next.size());
        reason = "found on PATH by " + RootFs.normalize(line.get(0)) + " for " + program;
      }
      program = interpreter;
      programArgs = next;
    }
    throw new IllegalArgumentException("the #! chain of " + argv.get(0) + " is deeper than 5");
  }

  /** A Python interpreter of the command (an image path) and how it is started. */
  public record Python(String interpreter, Launch launch) {}

  /**
   * The first program of the chain that is a Python interpreter, and how it is started (a script,
   * {@code -m}, {@code -c}); empty when none is, or when it starts interactively.
   */
  public Optional<Python> python(RootFs root) {
    for (int i = 0; i < programs.size(); i++) {
      String program = programs.get(i);
      if (PythonCommandLine.isInterpreter(root.resolve(program).map(RootFs.Resolved::path).orElse(program))) {
        return PythonCommandLine.parse(interpreterArgs.get(i), workdir).map(p -> new Python(program, p.launch()));
      }
    }
    return Optional.empty();
  }

  /** Exec form as is; shell form {@code /bin/sh -c "simple command"} split into words; else a clear error. */
  static List<String> execForm(List<String> form, String what) {
    if (form.size() == 3 && (form.get(0).equals("/bin/sh") || form.get(0).equals("sh")) && form.get(1).equals("-c")) {
      String script = form.get(2).strip();
      if (script.startsWith("exec ")) {
        script = script.substring(5).strip();
      }
      if (SHELL_SPECIAL.matcher(script).find()) {
        throw new IllegalArgumentException(what + " is a shell command (" + form.get(2) + ") and the output image has no shell; give it in exec form, "
            + "e.g. --" + what.toLowerCase() + " '[\"program\", \"arg\"]'");
      }
      return List.of(script.split("\\s+"));
    }
    return List.copyOf(form);
  }

  /** The {@code #!} line split as the kernel does: interpreter and at most one argument. */
  static Optional<List<String>> shebang(RootFs root, String program) throws IOException {
    String real = root.resolve(program).map(RootFs.Resolved::path).orElse(program);
    byte[] head;
    try (InputStream in = Files.newInputStream(root.host(real))) {
      head = in.readNBytes(256);
    }
    if (head.length < 2 || head[0] != '#' || head[1] != '!') {
      return Optional.empty();
    }
    String line = new String(head, 2, head.length - 2, StandardCharsets.UTF_8);
    int nl = line.indexOf('\n');
    line = (nl < 0 ? line : line.substring(0, nl)).strip();
    if (line.isEmpty()) {
      return Optional.empty();
    }
    int space = line.indexOf(' ');
    return Optional.of(space < 0 ? List.of(line) : List.of(line.substring(0, space), line.substring(space + 1).strip()));
  }

  /** {@code path} and the links on its way; {@code from} is the script whose #! names it, or null for the command's own program. */
  static void addWithLinks(RootFs root, String path, String reason, String from, List<Requirement> out) {
    root.resolve(path).ifPresent(r -> {
      r.links().forEach(l -> out.add(new Requirement(l, Analyser.ENTRYPOINT, "link on the way to " + r.path() + " (" + reason + ")", r.path())));
      out.add(new Requirement(r.path(), Analyser.ENTRYPOINT, reason, from));
    });
  }
}

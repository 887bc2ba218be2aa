package dev.shrink.minify;

import dev.shrink.bytecode.Compiler;
import dev.shrink.bytecode.Pyc;
import dev.shrink.bytecode.Target;
import dev.shrink.closure.Requirement;
import dev.shrink.fs.RootFs;
import dev.shrink.python.ModuleNames;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Keeps one form of each module: every kept module source {@code pkg/mod.py} (on {@code sys.path},
 * not a script named on the command line, not a top-level file of the application directory, which
 * may be a program) becomes sourceless bytecode beside it, {@code pkg/mod.pyc}, which the import
 * system loads without the source whatever the interpreter's {@code -O} flag; a module that is a
 * link is compiled from what it leads to, under its own name. The image's interpreter compiles it,
 * without column positions where it has them (see {@link Target}); the image's own {@code
 * __pycache__} entry for the level is taken instead when its header has the interpreter's magic
 * number and records the source's mtime and size, and either the target keeps columns or nothing
 * could compile. A module with neither keeps its source (with a warning).
 */
final class Sourceless {
  private Sourceless() {}

  /** The interpreter the command runs (an image path), its version ("3.11"), its sys.path, and the scripts it is started with. */
  record Interpreter(String path, String version, List<String> sysPath, Set<String> scripts) {
    Interpreter withScripts(List<String> more) {
      Set<String> all = new HashSet<>(scripts);
      all.addAll(more);
      return new Interpreter(path, version, sysPath, all);
    }
  }

  /**
   * The kept set after the move, where each bytecode file comes from (the root, or the compiler's
   * output), and whether the interpreter was seen importing its frozen modules from its executable
   * (false when it did not run).
   */
  record Result(FileSet kept, Map<String, Path> moved, boolean frozenModules) {}

  /**
   * Plans the move (the root is not touched) of bytecode as {@code target} says; {@code compiler}
   * is null when there is no way to run the interpreter. Compiled files go under {@code workDir}.
   */
  static Result apply(FileSet files, Interpreter python, Target target, Compiler compiler, Path workDir, List<String> problems)
      throws IOException {
    Map<String, List<Requirement>> all = files.reasons();
    String tag = "cpython-" + python.version().replace(".", "");
    int level = target.optimize();
    boolean columnsOut = target.dropsColumnsOf(python.version());
    Plan plan = plan(files, python, tag, level, columnsOut);
    Map<String, Path> bytecode = new LinkedHashMap<>();
    Map<String, String> how = new LinkedHashMap<>();
    String by = "compiled" + (level == 0 ? "" : " at -O" + level) + (columnsOut ? " without column positions" : "") + " by the image's "
        + python.path();
    boolean frozenModules = compile(plan.toCompile(), python, target, compiler, workDir, problems, compiled -> compiled.pycs()
        .forEach((source, pyc) -> {
          bytecode.put(source, pyc);
          how.put(source, by);
        }));
    plan.images().forEach((source, cached) -> {
      if (bytecode.putIfAbsent(source, cached) == null) {
        how.put(source, "the image's " + cacheOf(source, tag, level));
      }
    });
    // the kept entries are copied as they are: re-adding them would follow links again, bringing
    // back targets that were left out on purpose (excluded, or not taken from a host)
    FileSet out = files.without(replaced(all.keySet(), bytecode.keySet(), tag));
    Map<String, Path> moved = new LinkedHashMap<>();
    bytecode.forEach((source, pyc) -> {
      moved.put(source + "c", pyc);
      Requirement why = all.get(source).get(0);
      out.addSynthetic(new Requirement(source + "c", why.analyser(),
          "sourceless bytecode of " + source + " (" + how.get(source) + "): " + why.reason(), why.from()));
    });
    return new Result(out, moved, frozenModules);
  }

  /** The kept module sources whose image bytecode is valid as it is ({@code images}), and those to compile. */
  private record Plan(Map<String, Path> images, List<String> toCompile) {}

  private static Plan plan(FileSet files, Interpreter python, String tag, int level, boolean columnsOut) throws IOException {
    RootFs root = files.root();
    OptionalInt magic = Pyc.magic(python.version());
    Map<String, Path> images = new LinkedHashMap<>();
    List<String> toCompile = new ArrayList<>();
    for (String source : files.reasons().keySet()) {
      if (!source.endsWith(".py") || python.scripts().contains(source) || ModuleNames.of(python.sysPath(), source).isEmpty()) {
        continue;
      }
      // a module that is a link (Debian's _sysconfigdata__linux_x86_64-linux-gnu.py) is compiled
      // from what it leads to, under its own name, like the import system would
      Optional<Path> src = root.resolve(source).map(r -> root.host(r.path()))
          .filter(p -> Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS));
      if (src.isEmpty()) {
        continue;
      }
      String cache = cacheOf(source, tag, level);
      Path cached = root.host(cache);
      Optional<Pyc> header = Files.isRegularFile(cached, LinkOption.NOFOLLOW_LINKS) ? Pyc.read(cached) : Optional.empty();
      if (magic.isPresent() && header.isPresent() && header.get().validFor(magic.getAsInt(), src.get())) {
        images.put(source, cached);
      }
      if (columnsOut || !images.containsKey(source)) {
        toCompile.add(source);
      }
    }
    return new Plan(images, toCompile);
  }

  /**
   * Compiles {@code toCompile} with the image's interpreter and gives the result to {@code use};
   * without a compiler, or when it fails, a problem says what stays as it is. Returns whether the
   * interpreter was seen importing its frozen modules from its executable.
   */
  private static boolean compile(List<String> toCompile, Interpreter python, Target target, Compiler compiler, Path workDir,
      List<String> problems, Consumer<Compiler.Compiled> use) {
    if (toCompile.isEmpty()) {
      return false;
    }
    String what = toCompile.size() + " module sources (" + toCompile.get(0) + (toCompile.size() > 1 ? ", ..." : "") + ")";
    if (compiler == null) {
      problems.add("bytecode: no container engine to compile " + what + " with the image's interpreter: the image's valid bytecode "
          + "is kept as it is, other modules as source");
      return false;
    }
    try {
      Compiler.Compiled compiled = compiler.compile(python.path(), toCompile, target, workDir);
      use.accept(compiled);
      compiled.errors().forEach(e -> problems.add("bytecode: " + e + ": the image's bytecode or the source is kept"));
      return compiled.frozenModules();
    } catch (IOException e) {
      problems.add("bytecode: could not compile " + what + " with the image's " + python.path() + ": " + e.getMessage()
          + "; the image's valid bytecode is kept as it is, other modules as source");
      return false;
    }
  }

  /** What sourceless bytecode replaces: the sources moved, every cache of them, and {@code __pycache__} directories left empty. */
  private static Set<String> replaced(Set<String> kept, Set<String> moved, String tag) {
    Set<String> drop = new HashSet<>(moved);
    for (String source : moved) {
      for (int l = 0; l <= 2; l++) {
        drop.add(cacheOf(source, tag, l));
      }
    }
    for (String path : kept) {
      String prefix = path + "/";
      if (path.endsWith("/__pycache__") && kept.stream().noneMatch(p -> p.startsWith(prefix) && !drop.contains(p))) {
        drop.add(path);
      }
    }
    return drop;
  }

  /** {@code pkg/__pycache__/mod.cpython-311[.opt-N].pyc} of {@code pkg/mod.py}. */
  static String cacheOf(String source, String tag, int level) {
    int slash = source.lastIndexOf('/');
    String stem = source.substring(slash + 1, source.length() - ".py".length());
    return source.substring(0, slash) + "/__pycache__/" + stem + "." + tag + (level == 0 ? "" : ".opt-" + level) + ".pyc";
  }
}

package dev.shrink.minify;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shrink.bytecode.Compiler;
import dev.shrink.bytecode.Pyc;
import dev.shrink.bytecode.Target;
import dev.shrink.closure.Analyser;
import dev.shrink.closure.Requirement;
import dev.shrink.fs.RootFs;
import dev.shrink.testing.Fixtures;
import dev.shrink.testing.NeedsEngine;
import dev.shrink.testing.Podman;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One form of each module: the image's bytecode when its header matches the source, else bytecode
 * compiled by the image's interpreter, else (nothing can compile) the source.
 */
class SourcelessTest {
  static final String PYTHON = "/usr/bin/python3";

  @TempDir Path tmp;
  RootFs root;
  FileSet files;
  Sourceless.Interpreter python;

  /** /srv/app on this machine's root (as shrink build sees it): fresh.py with valid bytecode, stale.py with bytecode of an older version, run.py the script. */
  @BeforeEach
  void app() throws Exception {
    Path app = Files.createDirectories(tmp.resolve("app"));
    Files.writeString(app.resolve("fresh.py"), "VALUE = 'fresh'\n");
    Files.writeString(app.resolve("stale.py"), "VALUE = 'old'\n");
    Files.writeString(app.resolve("run.py"), "import fresh, stale\nprint(fresh.VALUE, stale.VALUE)\n");
    new ProcessBuilder(PYTHON, "-m", "compileall", "-q", app.toString()).inheritIO().start().waitFor();
    Files.writeString(app.resolve("stale.py"), "VALUE = 'new!'\n");
    root = new RootFs(Path.of("/")).withMount("/srv", tmp);
    files = new FileSet(root);
    for (String p : List.of("fresh.py", "stale.py", "run.py", "__pycache__/fresh.cpython-311.pyc", "__pycache__/stale.cpython-311.pyc")) {
      files.add(new Requirement("/srv/app/" + p, Analyser.ENTRYPOINT, "application directory"));
    }
    python = new Sourceless.Interpreter(PYTHON, "3.11", List.of("/srv/app", "/usr/lib/python3.11"), Set.of("/srv/app/run.py"));
  }

  @Test
  void staleBytecodeIsCompiledAgainAndValidBytecodeIsTheImages() throws Exception {
    List<String> problems = new ArrayList<>();
    Sourceless.Result r = Sourceless.apply(files, python, new Target(0, true), Compiler.onHost(root), tmp.resolve("work"), problems);
    assertThat(problems).isEmpty();
    assertThat(r.kept().paths()).contains("/srv/app/fresh.pyc", "/srv/app/stale.pyc", "/srv/app/run.py")
        .doesNotContain("/srv/app/fresh.py", "/srv/app/stale.py", "/srv/app/__pycache__/fresh.cpython-311.pyc",
            "/srv/app/__pycache__/stale.cpython-311.pyc");
    assertThat(r.moved().get("/srv/app/fresh.pyc")).isEqualTo(root.host("/srv/app/__pycache__/fresh.cpython-311.pyc"));
    Path stale = r.moved().get("/srv/app/stale.pyc");
    assertThat(stale).isNotEqualTo(root.host("/srv/app/__pycache__/stale.cpython-311.pyc")).startsWith(tmp.resolve("work"));
    assertThat(r.kept().reasons().get("/srv/app/stale.pyc").get(0).reason()).contains("compiled by the image's /usr/bin/python3");

    Path run = Files.createDirectories(tmp.resolve("image"));
    r.moved().forEach((path, from) -> copy(from, run.resolve(path.substring("/srv/app/".length()))));
    Files.copy(tmp.resolve("app/run.py"), run.resolve("run.py"));
    Process p = new ProcessBuilder(PYTHON, "-B", run.resolve("run.py").toString()).redirectErrorStream(true).start();
    assertThat(new String(p.getInputStream().readAllBytes())).isEqualTo("fresh new!\n");
  }

  @Test
  void atLevelTwoEveryModuleIsCompiledSinceTheImageHasNoSuchBytecode() throws Exception {
    Sourceless.Result r = Sourceless.apply(files, python, new Target(2, true), Compiler.onHost(root), tmp.resolve("work"), new ArrayList<>());
    assertThat(r.moved()).containsOnlyKeys("/srv/app/fresh.pyc", "/srv/app/stale.pyc");
    assertThat(r.moved().values()).allSatisfy(pyc -> assertThat(pyc).startsWith(tmp.resolve("work")));
  }

  /** By default (no column positions) even valid image bytecode is compiled again, by the image's interpreter. */
  @Test
  void byDefaultEveryModuleIsCompiledWithoutColumnPositions() throws Exception {
    Sourceless.Result r = Sourceless.apply(files, python, Target.defaults(), Compiler.onHost(root), tmp.resolve("work"), new ArrayList<>());
    assertThat(r.moved()).containsOnlyKeys("/srv/app/fresh.pyc", "/srv/app/stale.pyc");
    assertThat(r.moved().values()).allSatisfy(pyc -> assertThat(pyc).startsWith(tmp.resolve("work")));
    assertThat(r.kept().reasons().get("/srv/app/fresh.pyc").get(0).reason()).contains("compiled without column positions by the image's");
  }

  /**
   * A module that is a link to another (Debian's _sysconfigdata__linux_x86_64-linux-gnu.py) becomes
   * bytecode under its own name, compiled from the target inside the root, as does the target; no
   * link is left dangling. The interpreter
   * that compiled says it imports its frozen modules (os, site, ...) from itself.
   */
  @Test
  void aLinkedModuleIsCompiledFromItsTargetUnderItsOwnName() throws Exception {
    Path app = tmp.resolve("app");
    Files.writeString(app.resolve("_data__x86_64-linux-gnu.py"), "VALUE = 'linked'\n");
    // absolute, as the image sees it: on this machine /srv/app does not exist, the root's mount has it
    Files.createSymbolicLink(app.resolve("_data__linux_x86_64-linux-gnu.py"), Path.of("/srv/app/_data__x86_64-linux-gnu.py"));
    files.add(new Requirement("/srv/app/_data__linux_x86_64-linux-gnu.py", Analyser.PYTHON, "imported by name"));
    files.add(new Requirement("/srv/app/_data__x86_64-linux-gnu.py", Analyser.PYTHON, "target of the link"));
    Sourceless.Result r = Sourceless.apply(files, python, Target.defaults(), Compiler.onHost(root), tmp.resolve("work"), new ArrayList<>());
    assertThat(r.kept().paths()).contains("/srv/app/_data__linux_x86_64-linux-gnu.pyc", "/srv/app/_data__x86_64-linux-gnu.pyc")
        .doesNotContain("/srv/app/_data__linux_x86_64-linux-gnu.py", "/srv/app/_data__x86_64-linux-gnu.py");
    assertThat(r.frozenModules()).as("Debian's python3.11 imports os frozen").isTrue();

    Path run = Files.createDirectories(tmp.resolve("image"));
    r.moved().forEach((path, from) -> copy(from, run.resolve(path.substring("/srv/app/".length()))));
    String code = "import importlib; print(importlib.import_module('_data__linux_x86_64-linux-gnu').VALUE)";
    Process p = new ProcessBuilder(PYTHON, "-B", "-c", code).directory(run.toFile()).redirectErrorStream(true).start();
    assertThat(new String(p.getInputStream().readAllBytes())).isEqualTo("linked\n");
  }

  /** With nothing to compile, valid image bytecode is kept as it is (columns and all), a stale one's module as source. */
  @Test
  void withNothingToCompileAModuleWithoutValidBytecodeKeepsItsSource() throws Exception {
    List<String> problems = new ArrayList<>();
    Sourceless.Result r = Sourceless.apply(files, python, Target.defaults(), null, tmp.resolve("work"), problems);
    assertThat(r.kept().paths()).contains("/srv/app/fresh.pyc", "/srv/app/stale.py").doesNotContain("/srv/app/stale.pyc", "/srv/app/fresh.py");
    assertThat(r.moved().get("/srv/app/fresh.pyc")).isEqualTo(root.host("/srv/app/__pycache__/fresh.cpython-311.pyc"));
    assertThat(problems).singleElement().asString().contains("no container engine", "image's valid bytecode is kept as it is, other modules as source");
  }

  @Test
  void bytecodeOfAnotherInterpreterIsNotTaken() throws Exception {
    Path cache = tmp.resolve("app/__pycache__");
    Files.copy(cache.resolve("fresh.cpython-311.pyc"), cache.resolve("fresh.cpython-312.pyc"));
    files.add(new Requirement("/srv/app/__pycache__/fresh.cpython-312.pyc", Analyser.ENTRYPOINT, "application directory"));
    assertThat(Pyc.read(cache.resolve("fresh.cpython-312.pyc")).orElseThrow().validFor(3495, tmp.resolve("app/fresh.py"))).isTrue();
    Sourceless.Interpreter other = new Sourceless.Interpreter(PYTHON, "3.12", python.sysPath(), python.scripts());
    Sourceless.Result r = Sourceless.apply(files, other, new Target(0, true), null, tmp.resolve("work"), new ArrayList<>());
    assertThat(r.moved()).isEmpty();
  }

  /**
   * An image whose /app/lib/__pycache__ holds bytecode of an older helper.py: the original prints the
   * new value (Python compiles again), and so must the shrunk image, whose bytecode the image's
   * interpreter compiled in a container. main.py, a top-level file of the app, keeps its source.
   */
  @Test
  @NeedsEngine
  void staleBytecodeInAnImageIsCompiledInTheEngine() throws Exception {
    String base = Fixtures.image("stdlib-apps");
    String fat = "localhost/bytecode-test/stale:latest";
    String small = "localhost/bytecode-test/stale:min";
    Path context = Files.createDirectories(tmp.resolve("context"));
    Files.writeString(context.resolve("Containerfile"), "FROM " + base + "\n"
        + "RUN mkdir /app/lib && touch /app/lib/__init__.py && printf 'VALUE = \"old\"\\n' > /app/lib/helper.py "
        + "&& python3 -c 'import sys; sys.path.insert(0, \"/app\"); import lib.helper' "
        + "&& printf 'VALUE = \"new!\"\\n' > /app/lib/helper.py && printf 'from lib import helper\\nprint(helper.VALUE)\\n' > /app/main.py\n"
        + "CMD [\"python3\", \"/app/main.py\"]\n");
    Podman.run("build", "-t", fat, context.toString()).orThrow();
    try {
      assertThat(MinifyFixturesTest.run(fat)).isEqualTo("new!\n");
      assertThat(dev.shrink.cli.Main.run("minify", "containers-storage:" + fat, "containers-storage:" + small, "--no-verify")).isZero();
      assertThat(MinifyFixturesTest.run(small)).isEqualTo("new!\n");
      Podman.Result listing = Podman.run("run", "--rm", "--entrypoint", "python3", small, "-c",
          "import os; print(sorted(os.listdir('/app')), sorted(os.listdir('/app/lib')))").orThrow();
      assertThat(listing.stdout()).isEqualTo("['lib', 'main.py', 'multi.py', 'subproc.py', 'tls.py', 'tz.py', 'users.py'] ['__init__.pyc', 'helper.pyc']\n");
    } finally {
      Podman.rmi(small);
      Podman.rmi(fat);
    }
  }

  private static void copy(Path from, Path to) {
    try {
      Files.copy(from, to);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}

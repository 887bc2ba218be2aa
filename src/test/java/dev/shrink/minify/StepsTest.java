package dev.shrink.minify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shrink.bytecode.Target;
import dev.shrink.closure.Analyser;
import dev.shrink.closure.Requirement;
import dev.shrink.fs.RootFs;
import dev.shrink.image.ImageConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each step of {@link Pipeline} alone, on a root the test makes ({@link SyntheticRoot}), without
 * an engine: what it adds to a {@link Selection}, narrows or writes.
 */
class StepsTest {
  private static final String STDLIB = SyntheticRoot.STDLIB;

  /** The host's python3.11 and an app importing json and its own package (with valid bytecode of the package), and a stub file. */
  @TempDir static Path shared;
  static RootFs python;
  static RunCommand pythonRun;

  @TempDir Path tmp;

  @BeforeAll
  static void pythonRoot() throws Exception {
    python = SyntheticRoot.python(shared.resolve("root"));
    SyntheticRoot.write(python, "/app/app.py", "import json\nimport pkg.lib\nprint(json.dumps(pkg.lib.VALUE))\n");
    SyntheticRoot.write(python, "/app/pkg/__init__.py", "");
    SyntheticRoot.write(python, "/app/pkg/lib.py", "VALUE = 42\n");
    SyntheticRoot.write(python, "/app/types.pyi", "x: int\n");
    Process p = new ProcessBuilder("/usr/bin/python3.11", "-m", "compileall", "-q", python.host("/app/pkg").toString(),
        python.host(STDLIB + "/json").toString()).inheritIO().start();
    assertThat(p.waitFor()).isZero();
    pythonRun = run(python, "[\"/usr/bin/python3\", \"app.py\"]", "/app");
  }

  static RunCommand run(RootFs root, String entrypoint, String workdir) throws IOException {
    ImageConfig config = ImageConfig.parse(("{\"config\": {\"Entrypoint\": " + entrypoint + ", \"WorkingDir\": \"" + workdir
        + "\", \"Env\": [\"PATH=/usr/bin:/bin\"]}}").getBytes(StandardCharsets.UTF_8), "config");
    return RunCommand.resolve(root, config, null, null);
  }

  /** A selection of the Python root after the command's programs and the Python analysis. */
  static Selection analysed() throws IOException {
    Selection s = new Selection(new FileSet(python));
    new KeepCommand(pythonRun).apply(s);
    new AnalysePython(pythonRun, null, List.of(), List.of()).apply(s);
    return s;
  }

  RootFs root(String... files) throws IOException {
    RootFs root = SyntheticRoot.empty(tmp.resolve("root"));
    for (String f : files) {
      SyntheticRoot.write(root, f, f);
    }
    return root;
  }

  static List<Analyser> analysers(Selection s, String path) {
    return s.files.reasons().getOrDefault(path, List.of()).stream().map(Requirement::analyser).toList();
  }

  @Test
  void keepCommandKeepsTheProgramAndItsLinks() throws IOException {
    Selection s = new Selection(new FileSet(python));
    new KeepCommand(pythonRun).apply(s);
    assertThat(s.files.paths()).contains("/usr/bin/python3", "/usr/bin/python3.11").doesNotContain("/app/app.py", STDLIB + "/json/__init__.py");
  }

  @Test
  void keepAppDirsKeepsTheDirectoriesWhole() throws IOException {
    RootFs root = root("/app/a.txt", "/app/sub/b.txt", "/etc/other.conf");
    Selection s = new Selection(new FileSet(root));
    new KeepAppDirs(List.of("/app", "/missing")).apply(s);
    assertThat(s.files.paths()).contains("/app/a.txt", "/app/sub/b.txt").doesNotContain("/etc/other.conf");
    assertThat(s.files.reasons().get("/app/sub/b.txt")).containsExactly(new Requirement("/app/sub/b.txt", Analyser.APP, "application directory (WORKDIR /app)"));
  }

  @Test
  void keepNamedKeepsWhatTheUserNamedButNotVersionControlNorTargetsOutside() throws IOException {
    RootFs root = root("/app/main.py", "/app/.git/config", "/home/u/secret.txt");
    Files.createSymbolicLink(root.host("/app/link"), Path.of("/home/u/secret.txt"));
    Selection s = new Selection(new FileSet(root));
    new KeepNamed(new HostRoot("/app", List.of(), List.of("/home/u"))).apply(s);
    assertThat(s.files.paths()).contains("/app/main.py", "/app/link").doesNotContain("/app/.git/config", "/home/u/secret.txt");
    assertThat(s.outward).containsExactly("/app/link");
  }

  @Test
  void analysePythonAddsTheImportClosureAndTheInterpreter() throws IOException {
    Selection s = analysed();
    assertThat(s.python).isNotNull();
    assertThat(s.python.layout().version()).isEqualTo("3.11");
    assertThat(s.modules).contains("json", "pkg.lib");
    assertThat(s.files.paths()).contains("/app/app.py", "/app/pkg/lib.py", STDLIB + "/json/__init__.py");
    assertThat(s.interpreterDirs).contains("/usr/bin/python3", "/usr/bin/python3.11");
  }

  @Test
  void analysePythonOfNoInterpreterAddsNothing() throws IOException {
    RootFs root = root("/usr/bin/server");
    Selection s = new Selection(new FileSet(root));
    new AnalysePython(run(root, "[\"/usr/bin/server\"]", "/"), null, List.of(), List.of()).apply(s);
    assertThat(s.python).isNull();
    assertThat(s.files.paths()).isEmpty();
    assertThat(s.interpreterDirs).containsExactly("/usr/bin/server");
  }

  @Test
  void keepTracedKeepsWhatTheTraceSaw() throws IOException {
    RootFs root = root("/etc/app.conf", "/etc/other.conf");
    Selection s = new Selection(new FileSet(root));
    new KeepTraced(List.of(new Requirement("/etc/app.conf", Analyser.PROBE, "probe GET /: openat"))).apply(s);
    assertThat(s.files.paths()).containsExactly("/etc/app.conf");
    assertThat(analysers(s, "/etc/app.conf")).containsExactly(Analyser.PROBE);
  }

  @Test
  void swapPurePythonKeepsTheSourceOfACompiledModule() throws IOException {
    RootFs root = SyntheticRoot.python(tmp.resolve("root"));
    String extension = STDLIB + "/fastmod.cpython-311-x86_64-linux-gnu.so";
    SyntheticRoot.write(root, extension, "not an ELF file, it is not read");
    SyntheticRoot.write(root, STDLIB + "/fastmod.py", "VALUE = 1\n");
    Selection s = analysed();
    Selection t = new Selection(new FileSet(root));
    t.python = s.python;
    t.files.add(new Requirement(extension, Analyser.PYTHON, "import fastmod"));
    new SwapPurePython().apply(t);
    assertThat(t.files.paths()).contains(STDLIB + "/fastmod.py").doesNotContain(extension);
    assertThat(t.dropped.get(extension)).isEqualTo("compiled from " + STDLIB + "/fastmod.py, which is kept instead (--pure-python)");
  }

  @Test
  void resolveLibrariesAddsTheElfClosure() throws IOException {
    Selection s = new Selection(new FileSet(python));
    new KeepCommand(pythonRun).apply(s);
    new ResolveLibraries(Map.of()).apply(s);
    assertThat(s.files.paths()).contains(SyntheticRoot.LIBDIR + "/libc.so.6");
    assertThat(analysers(s, SyntheticRoot.LIBDIR + "/libc.so.6")).contains(Analyser.ELF);
    assertThat(s.elfDone).contains("/usr/bin/python3.11");
    assertThat(s.problems).isEmpty();
  }

  /**
   * A wheel's bundled library without RPATH of its own (scipy's libgfortran) finds its dependency
   * through the RPATH of the extension that loads it, which glibc searches for the whole chain:
   * resolved alone (it is kept too), it would seem to lack it. Built with gcc, -nostdlib so that no
   * libc is needed in the root.
   */
  @Test
  void resolveLibrariesReportsNoLibraryThatTheChainWhichLoadsItFinds() throws Exception {
    RootFs root = root();
    SyntheticRoot.write(root, "/opt/pkg/libs/b.c", "int b(void) { return 1; }\n");
    SyntheticRoot.write(root, "/opt/pkg/libs/a.c", "int b(void);\nint a(void) { return b(); }\n");
    SyntheticRoot.write(root, "/opt/pkg/mod/ext.c", "int a(void);\nint ext(void) { return a(); }\n");
    gcc(root, "/opt/pkg/libs", "-o", "libb.so", "-Wl,-soname,libb.so", "b.c");
    gcc(root, "/opt/pkg/libs", "-o", "liba.so", "-Wl,-soname,liba.so", "a.c", "-L.", "-lb");
    gcc(root, "/opt/pkg/mod", "-o", "ext.so", "ext.c", "-L../libs", "-la", "-Wl,--disable-new-dtags,-rpath,$ORIGIN/../libs");
    Selection alone = new Selection(new FileSet(root));
    alone.files.add(new Requirement("/opt/pkg/libs/liba.so", Analyser.PROBE, "opened"));
    new ResolveLibraries(Map.of()).apply(alone);
    assertThat(alone.problems).as("no object with an RPATH loads it").singleElement(InstanceOfAssertFactories.STRING)
        .startsWith("elf: /opt/pkg/libs/liba.so needs libb.so, not found");

    Selection s = new Selection(new FileSet(root));
    s.files.add(new Requirement("/opt/pkg/libs/liba.so", Analyser.PROBE, "opened"));
    s.files.add(new Requirement("/opt/pkg/mod/ext.so", Analyser.PYTHON, "import mod.ext"));
    new ResolveLibraries(Map.of()).apply(s);
    assertThat(s.files.paths()).contains("/opt/pkg/libs/libb.so");
    assertThat(s.problems).isEmpty();
  }

  private static void gcc(RootFs root, String dir, String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of("gcc", "-shared", "-nostdlib", "-fPIC"));
    command.addAll(List.of(args));
    Process gcc = new ProcessBuilder(command).directory(root.host(dir).toFile()).inheritIO().start();
    assertThat(gcc.waitFor()).as("%s", command).isZero();
  }

  @Test
  void keepSystemFilesFollowsTheKnowledgeTriggers() throws IOException {
    RootFs root = root("/usr/lib/libssl.so.3", "/etc/ssl/certs/ca-certificates.crt", "/etc/ssl/openssl.cnf", "/etc/other.conf");
    Selection s = new Selection(new FileSet(root));
    new KeepSystemFiles(Map.of()).apply(s);
    assertThat(s.files.paths()).as("no trigger kept yet").isEmpty();
    s.files.add(new Requirement("/usr/lib/libssl.so.3", Analyser.ELF, "NEEDED"));
    new KeepSystemFiles(Map.of()).apply(s);
    assertThat(s.files.paths()).contains("/etc/ssl/certs/ca-certificates.crt", "/etc/ssl/openssl.cnf").doesNotContain("/etc/other.conf");
  }

  @Test
  void keepIncludesKeepsWhatMatchesAndRefusesAPatternMatchingNothing() throws IOException {
    RootFs root = root("/etc/a.conf", "/etc/b.conf", "/etc/c.txt");
    Selection s = new Selection(new FileSet(root));
    new KeepIncludes(List.of("/etc/*.conf"), "img").apply(s);
    assertThat(s.files.paths()).contains("/etc/a.conf", "/etc/b.conf").doesNotContain("/etc/c.txt");
    assertThat(s.files.reasons().get("/etc/a.conf")).containsExactly(new Requirement("/etc/a.conf", Analyser.INCLUDE, "--include /etc/*.conf"));
    assertThatThrownBy(() -> new KeepIncludes(List.of("/nothing/**"), "img").apply(s))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("--include /nothing/** matches nothing in img");
  }

  @Test
  void keepWorkdirKeepsTheDirectoryWhenTheImageHasIt() throws IOException {
    RootFs root = root("/srv/x");
    Selection s = new Selection(new FileSet(root));
    new KeepWorkdir("/srv").apply(s);
    new KeepWorkdir("/missing").apply(s);
    assertThat(s.files.reasons()).containsOnlyKeys("/srv");
    assertThat(analysers(s, "/srv")).containsExactly(Analyser.ESSENTIALS);
  }

  @Test
  void guardHostDropsPrivateFilesAndHomesButNotWhatWasNamed() throws IOException {
    RootFs root = root("/etc/shadow", "/home/u/.cache/x", "/home/u/venv/lib/y", "/app/.ssh/id", "/etc/ok.conf");
    Selection s = new Selection(new FileSet(root));
    List.of("/etc/shadow", "/home/u/.cache/x", "/home/u/venv/lib/y", "/app/.ssh/id", "/etc/ok.conf")
        .forEach(p -> s.files.add(new Requirement(p, Analyser.PYTHON, "wanted")));
    s.interpreterDirs.add("/home/u/venv");
    new GuardHost(new HostRoot("/app", List.of(), List.of("/home/u"))).apply(s);
    assertThat(s.files.paths()).contains("/home/u/venv/lib/y", "/app/.ssh/id", "/etc/ok.conf").doesNotContain("/etc/shadow", "/home/u/.cache/x");
    assertThat(s.problems).hasSize(2).allMatch(p -> p.startsWith("not taken from this machine: "));
  }

  @Test
  void dropExcludedDropsMatchesExceptWhatARepairAdded() throws IOException {
    RootFs root = root("/app/notes.txt", "/app/needed.txt", "/app/main.py");
    Selection s = new Selection(new FileSet(root));
    s.files.add(new Requirement("/app/notes.txt", Analyser.APP, "application directory"));
    s.files.add(new Requirement("/app/needed.txt", Analyser.REPAIR, "the shrunk image looked for it"));
    s.files.add(new Requirement("/app/main.py", Analyser.APP, "application directory"));
    new DropExcluded(List.of("/app/*.txt")).apply(s);
    assertThat(s.files.paths()).contains("/app/needed.txt", "/app/main.py").doesNotContain("/app/notes.txt");
    assertThat(s.problems).containsExactly("kept /app/needed.txt although an --exclude matches it: the shrunk image failed without it (repair)");
  }

  @Test
  void checkHostWarnsOfFilesUnderATmpfs() throws IOException {
    RootFs root = root("/var/tmp/cache.db", "/app/main.py");
    Selection s = new Selection(new FileSet(root));
    s.files.add(new Requirement("/var/tmp/cache.db", Analyser.PYTHON, "path literal"));
    s.files.add(new Requirement("/app/main.py", Analyser.APP, "named"));
    new CheckHost(new HostRoot("/app", List.of(), List.of())).apply(s);
    assertThat(s.problems).singleElement().asString().startsWith("1 paths under /var/tmp are in the image (/var/tmp/cache.db, ...)");
  }

  @Test
  void addRunUserWritesTheAccountAndAWritableTmp() throws IOException {
    RootFs root = root();
    SyntheticRoot.write(root, "/etc/passwd", "root:x:0:0:root:/root:/bin/sh\napp:x:1000:1000::/home/app:/bin/sh\n");
    SyntheticRoot.write(root, "/etc/group", "root:x:0:\napp:x:1000:\n");
    Selection s = new Selection(new FileSet(root));
    new AddRunUser("app", null, true, tmp.resolve("work")).apply(s);
    assertThat(s.user.configUser()).isEqualTo("1000:1000");
    assertThat(Files.readString(s.written.get("/etc/passwd"))).contains("app:x:1000:1000:");
    assertThat(s.written.get("/etc/passwd")).startsWith(tmp.resolve("work"));
    assertThat(s.dirs).containsEntry("/tmp", 01777);
    assertThat(s.files.paths()).contains("/etc/passwd", "/etc/group", "/tmp");

    Selection made = new Selection(new FileSet(root));
    new AddRunUser("app", null, false, tmp.resolve("work2")).apply(made);
    assertThat(made.user.configUser()).isEqualTo(Essentials.NONROOT + ":" + Essentials.NONROOT);
  }

  @Test
  void dropUnreadDropsWhatOnlyTheAppDirectoryBroughtIn() throws IOException {
    Selection s = analysed();
    new KeepAppDirs(List.of("/app")).apply(s);
    assertThat(s.files.paths()).contains("/app/types.pyi");
    new DropUnread().apply(s);
    assertThat(s.files.paths()).doesNotContain("/app/types.pyi").contains("/app/app.py");
    assertThat(s.dropped).containsEntry("/app/types.pyi", "type-checker file, never imported");
  }

  @Test
  void makeSourcelessThenZipStdlibMoveBytecodeAndZipTheStandardLibrary() throws IOException {
    Selection s = analysed();
    new MakeSourceless(Target.defaults(), null, List.of("/app"), tmp).apply(s);
    assertThat(s.files.paths()).as("valid bytecode replaces the source; the top-level script stays source")
        .contains("/app/pkg/lib.pyc", "/app/app.py").doesNotContain("/app/pkg/lib.py");
    assertThat(s.written).containsKey("/app/pkg/lib.pyc").containsKey(STDLIB + "/json/decoder.pyc");

    new ZipStdlib(tmp, 0).apply(s);
    String zip = s.python.layout().stdlibZip();
    assertThat(s.written).containsKey(zip).doesNotContainKey(STDLIB + "/json/decoder.pyc").containsKey("/app/pkg/lib.pyc");
    assertThat(s.archives.get(zip)).containsKey(STDLIB + "/json/decoder.pyc");
    assertThat(s.written.get(zip)).startsWith(tmp).isRegularFile();
  }

  @Test
  void stripElfCopiesOnlyFilesWithSymbols() throws Exception {
    RootFs root = root("/app/hello.c");
    Files.writeString(root.host("/app/hello.c"), "int main(void) { return 0; }\n");
    Process gcc = new ProcessBuilder("gcc", "-g", "-o", root.host("/app/hello").toString(), root.host("/app/hello.c").toString())
        .inheritIO().start();
    assertThat(gcc.waitFor()).isZero();
    Selection s = new Selection(new FileSet(root));
    s.files.add(new Requirement("/app/hello", Analyser.ENTRYPOINT, "the program"));
    s.files.add(new Requirement("/app/hello.c", Analyser.APP, "named"));
    new StripElf(tmp.resolve("work")).apply(s);
    assertThat(s.stripped).containsOnlyKeys("/app/hello");
    assertThat(Files.size(s.stripped.get("/app/hello"))).isLessThan(Files.size(root.host("/app/hello")));
  }
}

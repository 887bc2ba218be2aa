package dev.shrink.bytecode;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shrink.fs.RootFs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The compiler run on this machine (as {@code shrink build} runs it) with Debian's python3, and how
 * CPython 3.11 loads the sourceless bytecode it makes.
 */
class CompilerTest {
  static final String MOD = """
      \"\"\"The module's docstring.\"\"\"


      def check(x):
          \"\"\"The function's docstring.\"\"\"
          assert x > 0, "asserts run"
          return x


      def fail():
          raise ValueError("boom")
      """;

  @TempDir Path tmp;

  /** mod.py seen at /srv/app in a view of this machine, compiled at {@code level}; returns a directory holding only mod.pyc. */
  Path sourceless(int level) throws Exception {
    return sourceless(new Target(level, false));
  }

  Path sourceless(Target target) throws Exception {
    int level = target.optimize();
    Path app = Files.createDirectories(tmp.resolve("app"));
    Files.writeString(app.resolve("mod.py"), MOD);
    Files.writeString(app.resolve("broken.py"), "def f(:\n");
    RootFs root = new RootFs(Path.of("/")).withMount("/srv", tmp);
    Compiler.Compiled c = Compiler.onHost(root).compile(Python3.PATH, List.of("/srv/app/mod.py", "/srv/app/broken.py"), target,
        tmp.resolve("work-" + target));
    assertThat(c.pycs()).containsOnlyKeys("/srv/app/mod.py");
    assertThat(c.errors()).singleElement().asString().startsWith("/srv/app/broken.py: ").contains("SyntaxError");
    Path dir = Files.createDirectories(tmp.resolve("sourceless-" + target));
    Files.copy(c.pycs().get("/srv/app/mod.py"), dir.resolve("mod.pyc"));
    return dir;
  }

  static String load(Path dir, String... flags) throws Exception {
    List<String> args = new java.util.ArrayList<>(List.of(flags));
    args.addAll(List.of("-c", """
        import sys; sys.path.insert(0, sys.argv[1])
        import mod, traceback
        print(mod.__file__, repr(mod.__doc__), repr(mod.check.__doc__))
        try:
            mod.check(-1); print("asserts stripped")
        except AssertionError:
            print("asserts run")
        try:
            mod.fail()
        except ValueError:
            print([l.strip() for l in traceback.format_exc().splitlines() if l.strip().startswith("File")][-1])
        """, dir.toString()));
    return Python3.run(args.toArray(String[]::new));
  }

  @Test
  void levelTwoBytecodeLoadsSourcelessWithoutDocstringsOrAssertsWhateverThePythonFlags() throws Exception {
    Path dir = sourceless(2);
    for (String[] flags : new String[][] {{}, {"-O"}, {"-OO"}}) {
      assertThat(load(dir, flags)).as("python3 %s", List.of(flags)).isEqualTo(dir.resolve("mod.pyc") + " None None\n"
          + "asserts stripped\n"
          + "File \"/srv/app/mod.py\", line 11, in fail\n");
    }
  }

  @Test
  void levelOneKeepsDocstringsAndLevelZeroAsserts() throws Exception {
    assertThat(load(sourceless(1))).contains("\"The module's docstring.\" \"The function's docstring.\"", "asserts stripped");
    assertThat(load(sourceless(0), "-OO")).contains("\"The module's docstring.\"", "asserts run");
  }

  /** Column positions (PEP 657) are left out unless asked for; line numbers stay either way. */
  @Test
  void columnPositionsAreLeftOutUnlessKept() throws Exception {
    String positions = "import sys; sys.path.insert(0, sys.argv[1]); import mod; "
        + "print(sorted({(p[2] is None, p[0] is None) for p in mod.fail.__code__.co_positions()}))";
    // (columns missing, line missing) over every instruction of fail()
    assertThat(Python3.run("-c", positions, sourceless(new Target(0, false)).toString())).isEqualTo("[(True, False)]\n");
    assertThat(Python3.run("-c", positions, sourceless(new Target(0, true)).toString())).isEqualTo("[(False, False)]\n");
  }

  @Test
  void theSameSourcesGiveTheSameBytes() throws Exception {
    byte[] once = Files.readAllBytes(sourceless(2).resolve("mod.pyc"));
    Files.writeString(tmp.resolve("app/mod.py"), MOD);
    Path again = tmp.resolve("again");
    Compiler.Compiled c = Compiler.onHost(new RootFs(Path.of("/")).withMount("/srv", tmp)).compile(Python3.PATH, List.of("/srv/app/mod.py"), new Target(2, false), again);
    assertThat(Files.readAllBytes(c.pycs().get("/srv/app/mod.py"))).isEqualTo(once);
    assertThat(Pyc.read(c.pycs().get("/srv/app/mod.py")).orElseThrow().hashBased()).as("unchecked-hash header").isTrue();
  }
}

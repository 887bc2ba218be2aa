package dev.shrink.minify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import dev.shrink.closure.Analyser;
import dev.shrink.closure.Requirement;
import dev.shrink.fs.RootFs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** --pure-python swaps a compiled module for its own source only where that source is a real twin. */
class PurePythonTest {
  static final String SITE = "/usr/lib/python3/dist-packages";
  static final String SO = ".cpython-311-x86_64-linux-gnu.so";

  @TempDir Path tmp;

  @Test
  void aCompiledModuleWithItsSourceBesideItBecomesTheSource() throws Exception {
    Path pkg = Files.createDirectories(tmp.resolve("root" + SITE + "/pkg"));
    Files.createDirectories(pkg.resolve("__pycache__"));
    Files.writeString(pkg.resolve("fast" + SO), "ELF of fast");
    Files.writeString(pkg.resolve("fast.py"), "def f():\n    return 1\n");
    Files.writeString(pkg.resolve("__pycache__/fast.cpython-311.pyc"), "bytecode of fast.py");
    Files.writeString(pkg.resolve("only" + SO), "ELF without a source");
    Files.writeString(pkg.resolve("stub" + SO), "ELF loaded by its stub");
    Files.writeString(pkg.resolve("stub.py"), "def __bootstrap__():\n    __file__ = resource_filename(__name__, 'stub" + SO + "')\n");
    Files.writeString(tmp.resolve("root/usr/lib/outside" + SO), "ELF off sys.path");
    Files.writeString(tmp.resolve("root/usr/lib/outside.py"), "X = 1\n");
    FileSet files = new FileSet(new RootFs(tmp.resolve("root")));
    for (String p : List.of(SITE + "/pkg/fast" + SO, SITE + "/pkg/only" + SO, SITE + "/pkg/stub" + SO, "/usr/lib/outside" + SO)) {
      files.add(new Requirement(p, Analyser.PYTHON, "import of " + p));
    }

    PurePython.Result r = PurePython.swap(files, List.of("/usr/lib/python3.11", SITE), "cpython-311");

    assertThat(r.swapped()).containsOnly(entry(SITE + "/pkg/fast" + SO, SITE + "/pkg/fast.py"));
    assertThat(r.kept().paths()).contains(SITE + "/pkg/fast.py", SITE + "/pkg/__pycache__/fast.cpython-311.pyc", SITE + "/pkg/only" + SO,
        SITE + "/pkg/stub" + SO, "/usr/lib/outside" + SO).doesNotContain(SITE + "/pkg/fast" + SO, SITE + "/pkg/stub.py");
    assertThat(r.kept().reasons().get(SITE + "/pkg/fast.py").get(0).reason())
        .isEqualTo("pure-Python source of " + SITE + "/pkg/fast" + SO + ", kept instead of it (--pure-python): import of " + SITE + "/pkg/fast" + SO);
  }
}

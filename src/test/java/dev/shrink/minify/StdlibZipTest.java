package dev.shrink.minify;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shrink.closure.Analyser;
import dev.shrink.closure.Requirement;
import dev.shrink.fs.RootFs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TimeZone;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The standard library's bytecode moves into pythonXY.zip by whole top-level module or package,
 * only when all of it is sourceless bytecode; the zip is reproducible and CPython imports from it.
 */
class StdlibZipTest {
  static final String STDLIB = "/usr/lib/python3.11";
  static final String ZIP = "/usr/lib/python311.zip";

  @TempDir Path tmp;
  RootFs root;
  FileSet files;

  /**
   * A root with sourceless bytecode made by this machine's python3: a top-level module, a package,
   * a package with a data file, a module kept as a link, lib-dynload and site-packages.
   */
  @BeforeEach
  void stdlib() throws Exception {
    Path lib = Files.createDirectories(tmp.resolve("root" + STDLIB));
    Files.writeString(lib.resolve("alpha.py"), "VALUE = 'alpha'\n");
    Files.createDirectories(lib.resolve("pkg"));
    Files.writeString(lib.resolve("pkg/__init__.py"), "from . import inner\n");
    Files.writeString(lib.resolve("pkg/inner.py"), "VALUE = 'inner'\n");
    Files.createDirectories(lib.resolve("withdata"));
    Files.writeString(lib.resolve("withdata/__init__.py"), "X = 1\n");
    Files.writeString(lib.resolve("withdata/grammar.txt"), "data read beside __file__\n");
    Files.createDirectories(lib.resolve("site-packages/third"));
    Files.writeString(lib.resolve("site-packages/third/__init__.py"), "Y = 2\n");
    Process p = new ProcessBuilder("/usr/bin/python3", "-m", "compileall", "-q", "-b", lib.toString()).inheritIO().start();
    assertThat(p.waitFor()).isZero();
    try (var walk = Files.walk(lib)) {
      for (Path py : walk.filter(f -> f.toString().endsWith(".py")).toList()) {
        Files.delete(py);
      }
    }
    Files.createSymbolicLink(lib.resolve("linked.pyc"), lib.resolve("alpha.pyc").getFileName());
    Files.createDirectories(lib.resolve("lib-dynload"));
    Files.writeString(lib.resolve("lib-dynload/_ext.cpython-311-x86_64-linux-gnu.so"), "not really ELF");
    root = new RootFs(tmp.resolve("root"));
    files = new FileSet(root);
    for (String path : List.of("alpha.pyc", "pkg/__init__.pyc", "pkg/inner.pyc", "withdata/__init__.pyc", "withdata/grammar.txt",
        "site-packages/third/__init__.pyc", "linked.pyc", "lib-dynload/_ext.cpython-311-x86_64-linux-gnu.so")) {
      files.add(new Requirement(STDLIB + "/" + path, Analyser.PYTHON, "import of " + path));
    }
  }

  @Test
  void wholeBytecodeModulesMoveAndEverythingElseStays() throws Exception {
    StdlibZip.Result r = StdlibZip.apply(files, ZIP, STDLIB, Map.of(), tmp.resolve("out/python311.zip"), 0).orElseThrow();
    assertThat(r.members()).containsOnlyKeys(STDLIB + "/alpha.pyc", STDLIB + "/pkg/__init__.pyc", STDLIB + "/pkg/inner.pyc");
    assertThat(r.members().get(STDLIB + "/pkg/inner.pyc").reasons()).extracting(Requirement::reason).containsExactly("import of pkg/inner.pyc");
    assertThat(r.kept().paths()).contains(ZIP, STDLIB + "/withdata/__init__.pyc", STDLIB + "/withdata/grammar.txt", STDLIB + "/linked.pyc",
            STDLIB + "/site-packages/third/__init__.pyc", STDLIB + "/lib-dynload/_ext.cpython-311-x86_64-linux-gnu.so")
        .doesNotContain(STDLIB + "/alpha.pyc", STDLIB + "/pkg", STDLIB + "/pkg/inner.pyc");
    try (ZipFile zip = new ZipFile(r.file().toFile())) {
      List<String> names = Collections.list(zip.entries()).stream().map(ZipEntry::getName).toList();
      assertThat(names).containsExactly("alpha.pyc", "pkg/", "pkg/__init__.pyc", "pkg/inner.pyc");
      assertThat(zip.getEntry("pkg/inner.pyc").getMethod()).isEqualTo(ZipEntry.DEFLATED);
    }
    // CPython imports the package from the zip, with nothing else on its path
    Process p = new ProcessBuilder("/usr/bin/python3", "-S", "-c",
        "import sys; sys.path.insert(0, sys.argv[1]); import alpha, pkg; print(alpha.VALUE, pkg.inner.VALUE, pkg.inner.__file__)",
        r.file().toString()).redirectErrorStream(true).start();
    assertThat(new String(p.getInputStream().readAllBytes())).isEqualTo("alpha inner " + r.file() + "/pkg/inner.pyc\n");
  }

  @Test
  void theSameFilesGiveTheSameZipBytes() throws Exception {
    Path a = StdlibZip.apply(files, ZIP, STDLIB, Map.of(), tmp.resolve("a/python311.zip"), 0).orElseThrow().file();
    Path b = StdlibZip.apply(files, ZIP, STDLIB, Map.of(), tmp.resolve("b/python311.zip"), 0).orElseThrow().file();
    assertThat(Files.readAllBytes(b)).isEqualTo(Files.readAllBytes(a));
    Path later = StdlibZip.apply(files, ZIP, STDLIB, Map.of(), tmp.resolve("c/python311.zip"), 1_700_000_000L).orElseThrow().file();
    try (ZipFile zip = new ZipFile(later.toFile())) {
      assertThat(zip.getEntry("alpha.pyc").getTimeLocal()).hasToString("2023-11-14T22:13:20");
    }
  }

  @Test
  void theZipsTimeIsTheSameInEveryTimeZone() throws Exception {
    // 2021-03-14T02:30 UTC: a wall-clock time New York skipped (clocks went from 02:00 to 03:00)
    long inGap = 1_615_689_000L;
    TimeZone before = TimeZone.getDefault();
    byte[] utc;
    byte[] newYork;
    try {
      TimeZone.setDefault(TimeZone.getTimeZone("UTC"));
      utc = Files.readAllBytes(StdlibZip.apply(files, ZIP, STDLIB, Map.of(), tmp.resolve("utc/python311.zip"), inGap).orElseThrow().file());
      TimeZone.setDefault(TimeZone.getTimeZone("America/New_York"));
      newYork = Files.readAllBytes(StdlibZip.apply(files, ZIP, STDLIB, Map.of(), tmp.resolve("ny/python311.zip"), inGap)
          .orElseThrow().file());
    } finally {
      TimeZone.setDefault(before);
    }
    assertThat(newYork).isEqualTo(utc);
    try (ZipFile zip = new ZipFile(tmp.resolve("ny/python311.zip").toFile())) {
      assertThat(zip.getEntry("alpha.pyc").getTimeLocal()).hasToString("2021-03-14T02:30");
    }
  }

  @Test
  void anImageThatHasItsOwnZipKeepsItAndNothingMoves() throws Exception {
    Files.writeString(root.host(ZIP), "the image's own");
    assertThat(StdlibZip.apply(files, ZIP, STDLIB, Map.of(), tmp.resolve("out/python311.zip"), 0)).isEmpty();
  }

  @Test
  void bytecodeCompiledElsewhereIsTakenFromWhereItWasWritten() throws Exception {
    Path compiled = Files.writeString(tmp.resolve("compiled.pyc"), "compiled bytes");
    files.addSynthetic(new Requirement(STDLIB + "/beta.pyc", Analyser.PYTHON, "sourceless bytecode of beta.py"));
    StdlibZip.Result r = StdlibZip.apply(files, ZIP, STDLIB, Map.of(STDLIB + "/beta.pyc", compiled), tmp.resolve("out/python311.zip"), 0)
        .orElseThrow();
    assertThat(r.members().get(STDLIB + "/beta.pyc").size()).isEqualTo(14);
    try (ZipFile zip = new ZipFile(r.file().toFile())) {
      assertThat(zip.getInputStream(zip.getEntry("beta.pyc")).readAllBytes()).asString().isEqualTo("compiled bytes");
    }
  }
}

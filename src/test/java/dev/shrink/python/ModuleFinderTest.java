package dev.shrink.python;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shrink.fs.RootFs;
import dev.shrink.python.PyModule.Kind;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The finder on a fake python.org-style root: /usr/local/lib/python3.11 + site-packages + /app. */
class ModuleFinderTest {
  @TempDir Path root;
  private ModuleFinder finder;
  private static final String LIB = "/usr/local/lib/python3.11";
  private static final String SITE = LIB + "/site-packages";

  @BeforeEach
  void layout() throws IOException {
    touch("usr/local/bin/python3.11");
    touch(LIB + "/os.py");
    touch(LIB + "/json/__init__.py");
    touch(LIB + "/json/decoder.py");
    touch(LIB + "/lib-dynload/_json.cpython-311-x86_64-linux-gnu.so");
    touch(LIB + "/lib-dynload/_socket.cpython-311-x86_64-linux-gnu.so");
    touch(SITE + "/pkg/__init__.py");
    touch(SITE + "/pkg/fast.abi3.so");
    touch(SITE + "/pkg/fast.py");
    touch(SITE + "/pkg/tagged.cpython-311-x86_64-linux-gnu.so");
    touch(SITE + "/pkg/tagged.py");
    touch(SITE + "/pkg/plain.so");
    touch(SITE + "/pkg/compiled.pyc");
    touch(SITE + "/binpkg/__init__.pyc");
    touch(SITE + "/shadow.py");
    touch(SITE + "/shadow/__init__.py");
    touch(SITE + "/ns/a.py");
    touch("app/ns/b.py");
    touch("app/dironly/readme.txt");
    touch("app/dironly.py");
    touch(SITE + "/old.cpython-310-x86_64-linux-gnu.so");
    PythonLayout layout = PythonLayout.compute(new RootFs(root), "/usr/local/bin/python3.11", Map.of(),
        Launch.script("/app/main.py"));
    finder = new ModuleFinder(new RootFs(root), layout);
  }

  private void touch(String rel) throws IOException {
    Path p = root.resolve(rel.startsWith("/") ? rel.substring(1) : rel);
    Files.createDirectories(p.getParent());
    Files.writeString(p, "");
  }

  private PyModule find(String name) {
    return finder.find(name).orElseThrow(() -> new AssertionError(name + " not found"));
  }

  @Test
  void packagesModulesAndSuffixOrder() {
    assertThat(find("json")).extracting(PyModule::kind, PyModule::file, PyModule::isPackage)
        .containsExactly(Kind.SOURCE, LIB + "/json/__init__.py", true);
    assertThat(find("json.decoder").file()).isEqualTo(LIB + "/json/decoder.py");
    assertThat(find("_json").kind()).isEqualTo(Kind.EXTENSION);
    // extension suffixes come before .py: tagged, then abi3, then plain .so
    assertThat(find("pkg.tagged").file()).isEqualTo(SITE + "/pkg/tagged.cpython-311-x86_64-linux-gnu.so");
    assertThat(find("pkg.fast").file()).isEqualTo(SITE + "/pkg/fast.abi3.so");
    assertThat(find("pkg.plain").kind()).isEqualTo(Kind.EXTENSION);
    assertThat(find("pkg.compiled").kind()).isEqualTo(Kind.BYTECODE);
    assertThat(find("binpkg")).extracting(PyModule::kind, PyModule::isPackage).containsExactly(Kind.BYTECODE, true);
    // a package directory wins over a module file in the same entry
    assertThat(find("shadow").file()).isEqualTo(SITE + "/shadow/__init__.py");
    // another Python's ABI tag is not ours
    assertThat(finder.find("old")).isEmpty();
    assertThat(finder.find("pkg.nothing")).isEmpty();
    assertThat(finder.find("json.decoder.deeper")).isEmpty();
  }

  @Test
  void namespacePackagesMergeAcrossEntriesButLoseToModules() {
    PyModule ns = find("ns");
    assertThat(ns.kind()).isEqualTo(Kind.NAMESPACE);
    assertThat(ns.locations()).containsExactly("/app/ns", SITE + "/ns");
    assertThat(find("ns.a").file()).isEqualTo(SITE + "/ns/a.py");
    assertThat(find("ns.b").file()).isEqualTo("/app/ns/b.py");
    assertThat(find("dironly").file()).isEqualTo("/app/dironly.py");
  }

  @Test
  void builtinAndFrozenModules() {
    assertThat(find("sys").kind()).isEqualTo(Kind.BUILTIN);
    assertThat(find("posix").kind()).isEqualTo(Kind.BUILTIN);
    // built in on Debian, an extension in python.org builds: the file found wins
    assertThat(find("_socket").kind()).isEqualTo(Kind.EXTENSION);
    assertThat(find("os")).extracting(PyModule::kind, PyModule::file).containsExactly(Kind.FROZEN, LIB + "/os.py");
    assertThat(find("os.path").kind()).isEqualTo(Kind.FROZEN);
    // the import system's own modules are frozen in every version, whatever the flags
    assertThat(find("zipimport")).extracting(PyModule::kind, PyModule::file).containsExactly(Kind.FROZEN, null);
    assertThat(ModuleFinder.isImportSystem("importlib._bootstrap_external")).isTrue();
    assertThat(ModuleFinder.isImportSystem("importlib.util")).isFalse();
    assertThat(finder.isForeignOrMain("nt")).isTrue();
    assertThat(finder.isForeignOrMain("java.lang")).isTrue();
    assertThat(finder.isForeignOrMain("json")).isFalse();
  }
}

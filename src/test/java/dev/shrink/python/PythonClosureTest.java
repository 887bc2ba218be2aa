package dev.shrink.python;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shrink.closure.Analyser;
import dev.shrink.closure.Requirement;
import dev.shrink.fs.RootFs;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Closures on the host's Debian python3 with python3-yaml and gunicorn installed. */
class PythonClosureTest {
  @TempDir Path tmp;
  private static final RootFs HOST = new RootFs(Path.of("/"));
  private static final Map<String, String> ENV = Map.of("PATH", "/usr/bin:/bin", "LANG", "C.UTF-8");
  private static final String DIST = "/usr/lib/python3/dist-packages";
  private static final String STDLIB = "/usr/lib/python3.11";

  private static Map<String, Requirement> byPath(PythonClosure.Result r) {
    return r.requirements().stream().collect(Collectors.toMap(Requirement::path, Function.identity()));
  }

  /** The one file in {@code dir} whose name matches {@code regex}. */
  private static String only(String dir, String regex) {
    List<String> hits = HOST.list(dir).stream().filter(n -> n.matches(regex)).toList();
    assertThat(hits).as(dir + " / " + regex).hasSize(1);
    return dir + "/" + hits.get(0);
  }

  @Test
  void scriptImportingYamlJsonSqlite3() throws IOException {
    Path app = tmp.resolve("app.py");
    Files.writeString(app, "import yaml, json, sqlite3\nprint(yaml.safe_dump({'a': 1}))\n");
    PythonLayout layout = PythonLayout.compute(HOST, "/usr/bin/python3", ENV, Launch.script(app.toString()));
    PythonClosure.Result r = PythonClosure.analyse(HOST, layout, Knowledge.load(), List.of());
    Map<String, Requirement> req = byPath(r);

    assertThat(req).containsKeys(
        app.toString(),
        "/usr/bin/python3", "/usr/bin/python3.11",
        DIST + "/yaml/__init__.py", DIST + "/yaml/cyaml.py",
        only(DIST + "/yaml", "_yaml\\.cpython-311-.*\\.so"),
        only(DIST, "PyYAML-.*\\.(dist|egg)-info") + (HOST.isDirectory(only(DIST, "PyYAML-.*\\.(dist|egg)-info"))
            ? "/METADATA" : ""),
        STDLIB + "/json/__init__.py", STDLIB + "/json/decoder.py",
        STDLIB + "/sqlite3/__init__.py", STDLIB + "/sqlite3/dbapi2.py",
        only(STDLIB + "/lib-dynload", "_sqlite3\\.cpython-311-.*\\.so"),
        STDLIB + "/os.py", STDLIB + "/site.py", STDLIB + "/encodings/__init__.py", STDLIB + "/encodings/utf_8.py",
        STDLIB + "/lib-dynload");
    if (HOST.isRegularFile(DIST + "/yaml/__pycache__/__init__.cpython-311.pyc")) {
      assertThat(req).containsKey(DIST + "/yaml/__pycache__/__init__.cpython-311.pyc");
    }
    if (HOST.resolve(STDLIB + "/sitecustomize.py").isPresent()) {
      String target = HOST.resolve(STDLIB + "/sitecustomize.py").orElseThrow().path();
      assertThat(req).containsKeys(STDLIB + "/sitecustomize.py", target);
    }

    assertThat(req.get(DIST + "/yaml/__init__.py").reason()).isEqualTo("import yaml (" + app + ":1)");
    assertThat(req.get(DIST + "/yaml/__init__.py").analyser()).isEqualTo(Analyser.PYTHON);
    assertThat(r.requirements()).allSatisfy(q -> {
      assertThat(q.analyser()).isIn(Analyser.PYTHON, Analyser.KNOWLEDGE);
      assertThat(q.reason()).isNotBlank();
    });
    assertThat(r.modules()).contains("yaml", "yaml._yaml", "json", "sqlite3", "_sqlite3", "encodings.utf_8");

    // nothing unrelated: GUI, test suites, interactive help, other installed packages
    assertThat(req.keySet()).noneMatch(p -> p.startsWith(STDLIB + "/tkinter/") || p.startsWith(STDLIB + "/unittest/")
        || p.startsWith(STDLIB + "/test/") || p.startsWith(STDLIB + "/idlelib/") || p.startsWith(STDLIB + "/lib2to3/")
        || p.equals(STDLIB + "/pydoc.py") || p.startsWith(STDLIB + "/asyncio/")
        || p.startsWith(DIST + "/falcon/") || p.startsWith(DIST + "/flask/") || p.startsWith(DIST + "/gunicorn/"));
    assertThat(r.modules()).doesNotContain("tkinter", "unittest", "pydoc", "doctest", "asyncio", "falcon", "flask");
    assertThat(r.missing()).isEmpty();
  }

  @Test
  void gunicornConsoleScript() {
    PythonLayout layout = PythonLayout.compute(HOST, "/usr/bin/python3", ENV, Launch.script("/usr/bin/gunicorn"));
    PythonClosure.Result r = PythonClosure.analyse(HOST, layout, Knowledge.load(), List.of());
    Map<String, Requirement> req = byPath(r);
    String egg = only(DIST, "gunicorn-.*\\.(egg|dist)-info");

    assertThat(req).containsKeys("/usr/bin/gunicorn", DIST + "/gunicorn/__init__.py",
        DIST + "/gunicorn/app/wsgiapp.py", DIST + "/gunicorn/arbiter.py", DIST + "/gunicorn/workers/sync.py",
        DIST + "/gunicorn/workers/gthread.py", DIST + "/gunicorn/glogging.py", egg + "/entry_points.txt",
        STDLIB + "/importlib/metadata/__init__.py");
    // wsgiapp comes from the console script's load_entry_point through entry_points.txt
    assertThat(req.get(DIST + "/gunicorn/app/wsgiapp.py").reason())
        .startsWith("entry point console_scripts/gunicorn of gunicorn (/usr/bin/gunicorn:");
    // workers are loaded by name: knowledge
    assertThat(req.get(DIST + "/gunicorn/workers/sync.py").analyser()).isEqualTo(Analyser.KNOWLEDGE);
    assertThat(req.get(DIST + "/gunicorn/workers/sync.py").reason()).startsWith("gunicorn: ");
    if (new ModuleFinder(HOST, layout).find("gevent").isEmpty()) {
      assertThat(req).doesNotContainKey(DIST + "/gunicorn/workers/ggevent.py");
    }
    assertThat(r.modules()).doesNotContain("tkinter", "falcon", "flask", "yaml");
  }

  /** -m on an app package: relative and star imports, data files, metadata, missing imports, namespace packages. */
  @Test
  void moduleLaunchOfAnAppPackage() throws IOException {
    Path app = tmp.resolve("srv");
    write(app, "mypkg/__init__.py", "from . import helpers\nfrom .sub import *\n__version__ = '1'\n");
    write(app, "mypkg/__main__.py", """
        import sys
        from mypkg.helpers import run
        from .. import beyond_top
        import does_not_exist
        try:
            import nope
        except ImportError:
            nope = None
        if sys.platform == "win32":
            import only_on_windows
        import nspkg.part
        if __name__ == "__main__":
            import only_when_main
            run()
        """);
    write(app, "mypkg/helpers.py", "import importlib\nplugin = importlib.import_module('.plugins.basic', 'mypkg')\ndef run(): pass\n");
    write(app, "mypkg/sub/__init__.py", "__all__ = ['exported']\n");
    write(app, "mypkg/sub/exported.py", "x = 1\n");
    write(app, "mypkg/sub/unused.py", "import tkinter\n");
    write(app, "mypkg/plugins/__init__.py", "");
    write(app, "mypkg/plugins/basic.py", "from ..sub import exported\n");
    write(app, "mypkg/plugins/other.py", "");
    write(app, "mypkg/templates/index.html", "<html/>");
    write(app, "mypkg/templates/mail/welcome.txt", "hi");
    write(app, "mypkg/cacert.pem", "pem");
    write(app, "mypkg/py.typed", "");
    write(app, "mypkg/stubs.pyi", "");
    write(app, "mypkg/_speedups.cpython-311-x86_64-linux-gnu.so", "not really");
    write(app, "mypkg/tests/test_all.py", "import pytest\n");
    write(app, "mypkg/tests/data.json", "{}");
    write(app, "nspkg/part.py", "");
    write(app, "only_when_main.py", "");
    write(app, "mypkg-1.0.dist-info/RECORD", "mypkg/__init__.py,sha256=x,1\nmypkg-1.0.dist-info/RECORD,,\n");
    write(app, "mypkg-1.0.dist-info/METADATA", "Name: mypkg\n");
    write(app, "other-2.0.dist-info/top_level.txt", "other\n");
    write(app, "other-2.0.dist-info/METADATA", "Name: other\n");

    String srv = app.toString();
    PythonLayout layout = PythonLayout.compute(HOST, "/usr/bin/python3", ENV, Launch.module("mypkg", srv));
    PythonClosure.Result r = PythonClosure.analyse(HOST, layout, Knowledge.load(), List.of());
    Map<String, Requirement> req = byPath(r);

    assertThat(req).containsKeys(srv + "/mypkg/__init__.py", srv + "/mypkg/__main__.py", srv + "/mypkg/helpers.py",
        srv + "/mypkg/sub/__init__.py", srv + "/mypkg/sub/exported.py", srv + "/mypkg/plugins/__init__.py",
        srv + "/mypkg/plugins/basic.py", srv + "/nspkg/part.py", srv + "/only_when_main.py",
        srv + "/mypkg/templates/index.html", srv + "/mypkg/templates/mail/welcome.txt", srv + "/mypkg/cacert.pem",
        srv + "/mypkg-1.0.dist-info/RECORD", srv + "/mypkg-1.0.dist-info/METADATA", STDLIB + "/runpy.py");
    assertThat(req).doesNotContainKeys(srv + "/mypkg/sub/unused.py", srv + "/mypkg/plugins/other.py",
        srv + "/mypkg/py.typed", srv + "/mypkg/stubs.pyi", srv + "/mypkg/_speedups.cpython-311-x86_64-linux-gnu.so",
        srv + "/mypkg/tests/test_all.py", srv + "/mypkg/tests/data.json", srv + "/other-2.0.dist-info/METADATA");
    assertThat(req.get(srv + "/mypkg/plugins/basic.py").reason())
        .isEqualTo("import_module('mypkg.plugins.basic') (" + srv + "/mypkg/helpers.py:2)");
    assertThat(req.get(srv + "/mypkg-1.0.dist-info/METADATA").reason()).startsWith("metadata of mypkg");

    assertThat(r.missing()).extracting(PythonClosure.Missing::module, PythonClosure.Missing::importer,
            PythonClosure.Missing::line)
        .containsExactlyInAnyOrder(
            org.assertj.core.groups.Tuple.tuple("does_not_exist", srv + "/mypkg/__main__.py", 4),
            org.assertj.core.groups.Tuple.tuple("..beyond_top", srv + "/mypkg/__main__.py", 3));
    assertThat(r.modules()).contains("nspkg", "nspkg.part").doesNotContain("nope", "only_on_windows", "tkinter");
  }

  @Test
  void knowledgeRulesIgnoresAndRedirects() throws IOException {
    Path app = tmp.resolve("app");
    write(app, "main.py", "import fw\n");
    write(app, "fw/__init__.py", "import fw.core\nimport fw.devtools\n");
    write(app, "fw/core.py", "from fw.extern import vendored_lib\nimport fw.extern.vendored_lib.deep\n");
    write(app, "fw/devtools.py", "");
    write(app, "fw/workers/__init__.py", "");
    write(app, "fw/workers/fast.py", "import needs_speedlib\n");
    write(app, "fw/workers/default.py", "");
    write(app, "fw/extern/__init__.py", "");
    write(app, "fw/_vendor/__init__.py", "");
    write(app, "fw/_vendor/vendored_lib/__init__.py", "");
    write(app, "fw/_vendor/vendored_lib/deep.py", "");
    write(app, "fw/template.txt", "read by fw");
    write(app, "fw/NOTES.rst", "for fw's developers");
    write(app, "etc/fw.conf", "x");
    write(app, "share/fw/a/b.dat", "x");
    String dir = app.toString();
    Knowledge k = Knowledge.of("""
        {"library": "fw",
         "ignores": [{"importer": "fw", "module": "fw.devtools", "reason": "only the debug console"}],
         "unread": [{"package": "fw", "file": "NOTES.rst", "reason": "developer notes"}],
         "redirects": [{"from": "fw.extern", "to": ["fw._vendor", ""], "reason": "vendor importer"}],
         "rules": [{"when": "fw.core",
                    "imports": [{"module": "fw.workers.default", "reason": "default worker by name"},
                                {"module": "fw.workers.fast", "ifAvailable": "speedlib", "reason": "fast worker"},
                                {"module": "fw.workers.gone", "optional": true, "reason": "old versions only"},
                                {"module": "fw.workers.required_but_missing", "reason": "must be there"}],
                    "files": [{"path": "%s/etc/fw.conf", "reason": "config read at start"},
                              {"path": "%s/share/fw/**", "reason": "data tree"},
                              {"path": "/nonexistent/optional.conf", "optional": true, "reason": "optional"}]}]}
        """.formatted(dir, dir));
    PythonLayout layout = PythonLayout.compute(HOST, "/usr/bin/python3", ENV, Launch.script(dir + "/main.py"));
    PythonClosure.Result r = PythonClosure.analyse(HOST, layout, k, List.of());
    Map<String, Requirement> req = byPath(r);

    assertThat(req).containsKeys(dir + "/fw/workers/default.py", dir + "/etc/fw.conf", dir + "/share/fw/a/b.dat",
        dir + "/fw/_vendor/vendored_lib/__init__.py", dir + "/fw/_vendor/vendored_lib/deep.py");
    assertThat(req).doesNotContainKeys(dir + "/fw/devtools.py", dir + "/fw/workers/fast.py", dir + "/fw/NOTES.rst");
    assertThat(req.get(dir + "/fw/template.txt").reason()).isEqualTo("data file of package fw");
    assertThat(req.get(dir + "/fw/workers/default.py").analyser()).isEqualTo(Analyser.KNOWLEDGE);
    assertThat(req.get(dir + "/fw/workers/default.py").reason()).isEqualTo("fw: default worker by name (when fw.core is used)");
    assertThat(r.missing()).extracting(PythonClosure.Missing::module).containsExactly("fw.workers.required_but_missing");
    assertThat(r.notes()).anyMatch(n -> n.contains("fw.devtools") && n.contains("only the debug console"));
  }

  /**
   * The import system's frozen modules run their own imports: zipimport's zlib and
   * _bootstrap_external's importlib.readers (when importlib.resources asks for a reader) are
   * followed; its importlib.metadata, which only importlib.metadata itself reaches, is not.
   */
  @Test
  void theImportSystemsOwnImportsAreFollowedOnlyWhereTheyCanRun() throws IOException {
    Path plain = tmp.resolve("plain.py");
    Files.writeString(plain, "import json\n");
    PythonClosure.Result r = PythonClosure.analyse(HOST, PythonLayout.compute(HOST, "/usr/bin/python3", ENV, Launch.script(plain.toString())),
        Knowledge.load(), List.of());
    assertThat(r.modules()).contains("zipimport", "importlib._bootstrap_external", "zlib")
        .doesNotContain("importlib.metadata", "importlib.readers");
    assertThat(byPath(r)).containsKey(STDLIB + "/importlib/_bootstrap_external.py");

    Path resources = tmp.resolve("resources.py");
    Files.writeString(resources, "import importlib.resources\nprint(importlib.resources.files('json'))\n");
    PythonClosure.Result withResources = PythonClosure.analyse(HOST,
        PythonLayout.compute(HOST, "/usr/bin/python3", ENV, Launch.script(resources.toString())), Knowledge.load(), List.of());
    assertThat(withResources.modules()).contains("importlib.readers");
    assertThat(byPath(withResources).get(STDLIB + "/importlib/readers.py").analyser()).isEqualTo(Analyser.KNOWLEDGE);
  }

  @Test
  void unknownScriptIsReportedNotThrown() {
    PythonLayout layout = PythonLayout.compute(HOST, "/usr/bin/python3", ENV, Launch.script("/nonexistent/app.py"));
    PythonClosure.Result r = PythonClosure.analyse(HOST, layout, Knowledge.none(), List.of());
    assertThat(r.missing()).extracting(PythonClosure.Missing::module).containsExactly("__main__");
    assertThat(Optional.ofNullable(byPath(r).get(STDLIB + "/os.py"))).isPresent();
  }

  @Test
  void aModuleGetattrsImportIsFollowedOnlyWhenKeptCodeNamesItsAttribute() throws IOException {
    // concurrent.futures imports .process (and multiprocessing with it) only for ProcessPoolExecutor
    String process = STDLIB + "/concurrent/futures/process.py";
    PythonClosure.Result threads = closureOf("lazy_threads.py", "from concurrent.futures import ThreadPoolExecutor\n");
    assertThat(threads.modules()).contains("concurrent.futures", "concurrent.futures.thread")
        .doesNotContain("concurrent.futures.process", "multiprocessing");
    assertThat(threads.notes()).anyMatch(n -> n.startsWith("not followed: from .process import ProcessPoolExecutor")
        && n.contains("concurrent.futures.__getattr__ runs it only for ProcessPoolExecutor"));

    assertThat(byPath(closureOf("lazy_named.py", "import concurrent.futures as cf\ncf.ProcessPoolExecutor()\n")))
        .containsKeys(process, STDLIB + "/multiprocessing/__init__.py");
    assertThat(byPath(closureOf("lazy_string.py", "import concurrent.futures as cf\ngetattr(cf, 'ProcessPoolExecutor')\n")))
        .containsKey(process);
    assertThat(byPath(closureOf("lazy_star.py", "from concurrent.futures import *\n"))).containsKey(process);
    assertThat(byPath(closureOf("lazy_doc.py", "'ProcessPoolExecutor is only named in a docstring'\nimport concurrent.futures\n")))
        .doesNotContainKey(process);

    // an extension module without source is not scanned: the name in its bytes is enough
    Files.write(tmp.resolve("lazy_native.cpython-311-x86_64-linux-gnu.so"), "\0ProcessPoolExecutor\0".getBytes(StandardCharsets.US_ASCII));
    PythonClosure.Result opaque = closureOf("lazy_opaque.py", "import concurrent.futures, lazy_native\n");
    assertThat(opaque.modules()).contains("lazy_native");
    assertThat(byPath(opaque)).containsKey(process);
  }

  /**
   * An extension module built with gcc that imports modules from C: by a dotted name, and by a bare
   * name beside it in its package. Python itself says what it imports; the closure must keep those
   * modules, and leave the standard-library words its data also holds.
   */
  @Test
  void modulesNamedInAnExtensionsConstantData() throws Exception {
    write(tmp, "pkg/__init__.py", "");
    write(tmp, "pkg/hidden.py", "VALUE = 1\n");
    write(tmp, "pkg/helper.py", "VALUE = 2\n");
    write(tmp, "pkg/unnamed.py", "VALUE = 3\n");
    write(tmp, "pkg/_ext.c", """
        #include <Python.h>
        static struct PyModuleDef def = {PyModuleDef_HEAD_INIT, "_ext", "this test string names xml.dom.minidom", -1, NULL};
        PyMODINIT_FUNC PyInit__ext(void) {
          PyObject *hidden = PyImport_ImportModule("pkg.hidden");
          if (hidden == NULL) return NULL;
          PyObject *fromlist = Py_BuildValue("(s)", "helper");
          PyObject *pkg = PyImport_ImportModuleLevel("pkg", NULL, NULL, fromlist, 0);
          if (pkg == NULL) return NULL;
          Py_DECREF(fromlist); Py_DECREF(pkg); Py_DECREF(hidden);
          return PyModule_Create(&def);
        }
        """);
    Path so = tmp.resolve("pkg/_ext.cpython-311-x86_64-linux-gnu.so");
    run(tmp, "gcc", "-shared", "-fPIC", "-O1", "-I/usr/include/python3.11", "-o", so.toString(), tmp.resolve("pkg/_ext.c").toString());
    // the oracle: what Python imports when it loads the extension
    String loaded = run(tmp, "/usr/bin/python3", "-I", "-c",
        "import sys; sys.path.insert(0, '.'); import pkg._ext; print(' '.join(sorted(m for m in sys.modules if m.startswith('pkg'))))");
    assertThat(loaded.strip()).isEqualTo("pkg pkg._ext pkg.helper pkg.hidden");

    PythonClosure.Result r = closureOf("native_user.py", "import pkg._ext\n");
    Map<String, Requirement> req = byPath(r);
    assertThat(r.modules()).contains("pkg._ext", "pkg.hidden", "pkg.helper").doesNotContain("pkg.unnamed", "xml.dom.minidom", "this");
    assertThat(req.get(tmp + "/pkg/hidden.py").reason()).isEqualTo("named in the compiled code of pkg._ext (\"pkg.hidden\") (" + so + ")");
    assertThat(req.get(tmp + "/pkg/helper.py").reason()).isEqualTo("named in the compiled code of pkg._ext (\"helper\") (" + so + ")");
  }

  /**
   * Strings of the app's own code that name modules (settings lists, handler paths) keep them;
   * strings of the standard library and other libraries do not (xml.dom.domreg names minidom).
   */
  @Test
  void modulesNamedByStringsOfTheAppsOwnCode() throws IOException {
    write(tmp, "site_settings.py", """
        INSTALLED = ["plug.alpha", "plug.beta.Handler", "plug.gamma:make", "plug.missing", "plug"]
        LABEL = "not.a.module"
        """);
    write(tmp, "plug/__init__.py", "");
    write(tmp, "plug/alpha.py", "import json\n");
    write(tmp, "plug/beta.py", "class Handler: pass\n");
    write(tmp, "plug/gamma.py", "def make(): pass\n");
    write(tmp, "plug/delta.py", "");
    PythonClosure.Result r = closureOf("strings_app.py", "import importlib, xml.dom.domreg, site_settings\n");
    Map<String, Requirement> req = byPath(r);
    assertThat(r.modules()).contains("plug", "plug.alpha", "plug.beta", "plug.gamma", "json")
        .doesNotContain("plug.delta", "xml.dom.minidom");
    assertThat(req.get(tmp + "/plug/beta.py").reason())
        .isEqualTo("module named by the string 'plug.beta.Handler' (" + tmp + "/site_settings.py:1)");
    assertThat(req.get(tmp + "/plug/gamma.py").reason())
        .isEqualTo("module named by the string 'plug.gamma:make' (" + tmp + "/site_settings.py:1)");
    assertThat(r.missing()).isEmpty();
  }

  /** Codecs named where Python looks them up by name keep their modules in encodings; others do not come. */
  @Test
  void codecsNamedInCode() throws IOException {
    PythonClosure.Result r = closureOf("codec_user.py", """
        import codecs
        print(b"a\\\\n".decode("unicode_escape"), "x".encode(encoding="KOI8-R"), codecs.lookup("windows-1251"))
        print("x".encode(name), "mac_roman is only a word here")
        """);
    assertThat(r.modules()).contains("encodings.unicode_escape", "encodings.koi8_r", "encodings.cp1251")
        .doesNotContain("encodings.mac_roman", "encodings.cp1252");
    assertThat(byPath(r).get(STDLIB + "/encodings/koi8_r.py").reason())
        .isEqualTo("codec 'KOI8-R' named in code (" + tmp + "/codec_user.py:2)");
  }

  /** Knowledge names submodules by a glob on the last part, hyphenated names (importlib-only) included. */
  @Test
  void knowledgeGlobsOverAPackagesModules() throws IOException {
    write(tmp, "plugs/__init__.py", "");
    write(tmp, "plugs/PngImagePlugin.py", "");
    write(tmp, "plugs/WebPImagePlugin.py", "");
    write(tmp, "plugs/helper.py", "");
    write(tmp, "plugs/table15-0-0.py", "");
    write(tmp, "plugs/table17-0-0.py", "");
    Path app = tmp.resolve("globs_app.py");
    Files.writeString(app, "import plugs\n");
    Knowledge k = Knowledge.of("""
        {"library": "plugs", "rules": [{"when": "plugs", "imports": [
          {"module": "plugs.*ImagePlugin", "reason": "plugins by name"},
          {"module": "plugs.table*", "reason": "tables by version"}]}]}
        """);
    PythonClosure.Result r = PythonClosure.analyse(HOST, PythonLayout.compute(HOST, "/usr/bin/python3", ENV, Launch.script(app.toString())),
        k, List.of());
    assertThat(r.modules()).filteredOn(m -> m.startsWith("plugs."))
        .containsExactly("plugs.PngImagePlugin", "plugs.WebPImagePlugin", "plugs.table15-0-0", "plugs.table17-0-0");
    assertThat(byPath(r).get(tmp + "/plugs/table17-0-0.py").reason()).isEqualTo("plugs: tables by version (when plugs is used)");
  }

  private static String run(Path dir, String... command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor()).as("%s\n%s", String.join(" ", command), out).isZero();
    return out;
  }

  /** The closure of a script written into tmp (sys.path[0]: its name must not shadow a module). */
  private PythonClosure.Result closureOf(String script, String source) throws IOException {
    Path app = tmp.resolve(script);
    Files.writeString(app, source);
    return PythonClosure.analyse(HOST, PythonLayout.compute(HOST, "/usr/bin/python3", ENV, Launch.script(app.toString())),
        Knowledge.load(), List.of());
  }

  static void write(Path root, String rel, String text) throws IOException {
    Path p = root.resolve(rel);
    Files.createDirectories(p.getParent());
    Files.writeString(p, text);
  }
}

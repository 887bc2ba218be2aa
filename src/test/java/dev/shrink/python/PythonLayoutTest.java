package dev.shrink.python;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shrink.fs.RootFs;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class PythonLayoutTest {
  @TempDir Path tmp;

  private static final Map<String, String> ENV = Map.of("PATH", "/usr/bin:/bin", "HOME", "/root");

  /** sys.path as the host's Debian python3 prints it, from a script in a temp dir. */
  @Test
  void debianPython3OnTheHostMatchesTheRealSysPath() throws Exception {
    Path script = tmp.resolve("show.py");
    Files.writeString(script, "import sys, json\nprint(json.dumps(sys.path))\n");
    List<String> expected = run(List.of("/usr/bin/python3", script.toString()));

    PythonLayout layout = PythonLayout.compute(new RootFs(Path.of("/")), "/usr/bin/python3", ENV,
        Launch.script(script.toString()));

    assertThat(layout.sysPath()).containsExactlyElementsOf(expected);
    assertThat(layout.version()).isEqualTo("3.11");
    assertThat(layout.realExecutable()).isEqualTo("/usr/bin/python3.11");
    assertThat(layout.prefix()).isEqualTo("/usr");
    assertThat(layout.debianSite()).isTrue();
    assertThat(layout.sysPath()).startsWith(tmp.toRealPath().toString(), "/usr/lib/python311.zip",
        "/usr/lib/python3.11", "/usr/lib/python3.11/lib-dynload");
    assertThat(layout.sysPath()).contains("/usr/lib/python3/dist-packages");
  }

  /** Venvs made by the host's python3 (with and without the system site-packages) agree with it too. */
  @Test
  void hostVenvsMatchTheRealSysPath() throws Exception {
    for (boolean system : new boolean[] {false, true}) {
      Path venv = tmp.resolve(system ? "venv-system" : "venv");
      List<String> cmd = new ArrayList<>(List.of("/usr/bin/python3", "-m", "venv", "--without-pip"));
      if (system) {
        cmd.add("--system-site-packages");
      }
      cmd.add(venv.toString());
      run(cmd);
      Path script = tmp.resolve("show.py");
      Files.writeString(script, "import sys, json\nprint(json.dumps(sys.path))\n");
      List<String> expected = run(List.of(venv.resolve("bin/python").toString(), script.toString()));

      PythonLayout layout = PythonLayout.compute(new RootFs(Path.of("/")), venv.resolve("bin/python").toString(),
          ENV, Launch.script(script.toString()));
      assertThat(layout.sysPath()).containsExactlyElementsOf(expected);
      assertThat(layout.venvPrefix()).contains(venv.toString());
    }
  }

  private static List<String> run(List<String> cmd) throws Exception {
    ProcessBuilder pb = new ProcessBuilder(cmd);
    pb.environment().clear();
    pb.environment().putAll(ENV);
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor()).as(cmd + ": " + err).isZero();
    List<String> lines = new ArrayList<>();
    if (out.startsWith("[")) {
      for (JsonNode n : JsonMapper.builder().build().readTree(out)) {
        lines.add(n.asString());
      }
    }
    return lines;
  }

  @Test
  void bareNameIsFoundOnPathAndPythonPathComesFirst() {
    PythonLayout layout = PythonLayout.compute(new RootFs(Path.of("/")), "python3",
        Map.of("PATH", "/nonexistent:/usr/bin", "PYTHONPATH", "/opt/a:rel", "PYTHONNOUSERSITE", "1"),
        Launch.module("http.server", "/srv"));
    assertThat(layout.executable()).isEqualTo("/usr/bin/python3");
    assertThat(layout.sysPath()).startsWith("/srv", "/opt/a", "/srv/rel", "/usr/lib/python311.zip");
  }

  /** A python.org-style build installed under /usr/local, as in the official images. */
  @Test
  void pythonOrgLayoutUnderUsrLocal() throws IOException {
    Path root = tmp.resolve("root");
    file(root, "usr/local/bin/python3.11");
    Files.createSymbolicLink(root.resolve("usr/local/bin/python3"), Path.of("python3.11"));
    file(root, "usr/local/lib/python3.11/os.py");
    file(root, "usr/local/lib/python3.11/site.py", "# upstream site.py: site-packages only\n");
    Files.createDirectories(root.resolve("usr/local/lib/python3.11/lib-dynload"));
    file(root, "usr/local/lib/python3.11/site-packages/extra.pth",
        "# comment\n\n/opt/extra\nrelative/dir\nmissing/dir\nimport sys; sys.flags\n");
    Files.createDirectories(root.resolve("opt/extra"));
    Files.createDirectories(root.resolve("usr/local/lib/python3.11/site-packages/relative/dir"));
    file(root, "app/main.py");

    PythonLayout layout = PythonLayout.compute(new RootFs(root), "python3",
        Map.of("PATH", "/usr/local/bin:/usr/bin"), Launch.script("main.py", "/app"));

    // getpath: prefix from the lib/python3.11/os.py landmark above /usr/local/bin; zip, stdlib, lib-dynload;
    // site: upstream site-packages under the prefix, then the .pth's existing directories in file order.
    assertThat(layout.sysPath()).containsExactly(
        "/app",
        "/usr/local/lib/python311.zip",
        "/usr/local/lib/python3.11",
        "/usr/local/lib/python3.11/lib-dynload",
        "/usr/local/lib/python3.11/site-packages",
        "/opt/extra",
        "/usr/local/lib/python3.11/site-packages/relative/dir");
    assertThat(layout.version()).isEqualTo("3.11");
    assertThat(layout.executable()).isEqualTo("/usr/local/bin/python3");
    assertThat(layout.debianSite()).isFalse();
    assertThat(layout.pthFiles()).singleElement().satisfies(p -> {
      assertThat(p.path()).isEqualTo("/usr/local/lib/python3.11/site-packages/extra.pth");
      assertThat(p.imports()).extracting(PythonLayout.PthImport::line).containsExactly(6);
    });
  }

  /** A root with a python.org-style interpreter under /usr/local: binary, landmark, upstream site.py, lib-dynload. */
  Path usrLocalPython() throws IOException {
    Path root = tmp.resolve("root");
    file(root, "usr/local/bin/python3.11");
    file(root, "usr/local/lib/python3.11/os.py");
    file(root, "usr/local/lib/python3.11/site.py", "# upstream\n");
    Files.createDirectories(root.resolve("usr/local/lib/python3.11/lib-dynload"));
    return root;
  }

  /** Debian's distutils-precedence.pth: the .pth and the module its import line loads beside it are start-up hooks. */
  @Test
  void startupHooksAreThePthFilesAndTheModulesTheirImportLinesLoadBesideThem() throws IOException {
    Path root = usrLocalPython();
    String site = "/usr/local/lib/python3.11/site-packages";
    file(root, site.substring(1) + "/distutils-precedence.pth",
        "import os; var = 'SETUPTOOLS_USE_DISTUTILS'; enabled = os.environ.get(var, 'local') == 'local'; "
            + "enabled and __import__('_distutils_hack').add_shim(); \n");
    file(root, site.substring(1) + "/_distutils_hack/__init__.py");
    file(root, site.substring(1) + "/_distutils_hack_extra/__init__.py");
    file(root, "app/main.py");

    PythonLayout layout = PythonLayout.compute(new RootFs(root), "python3.11", Map.of("PATH", "/usr/local/bin"), Launch.script("main.py", "/app"));

    assertThat(List.of(site + "/distutils-precedence.pth", site + "/_distutils_hack", site + "/_distutils_hack/__init__.py",
        site + "/_distutils_hack/__pycache__/__init__.cpython-311.pyc", site + "/__pycache__/_distutils_hack.cpython-311.pyc",
        site + "/_distutils_hack.py")).allMatch(layout::startupHook);
    // a module named like it, the os the line imports (from the standard library, not beside the .pth), the app: not hooks
    assertThat(List.of(site + "/_distutils_hack_extra/__init__.py", site, "/usr/local/lib/python3.11/os.py", "/app/main.py"))
        .noneMatch(layout::startupHook);
  }

  /** A venv made with `python3 -m venv /venv` from /usr/local/bin/python3, without system site. */
  @Test
  void venvWithPyvenvCfg() throws IOException {
    Path root = usrLocalPython();
    Files.createDirectories(root.resolve("usr/local/lib/python3.11/site-packages"));
    Files.createDirectories(root.resolve("venv/bin"));
    Files.createSymbolicLink(root.resolve("venv/bin/python"), Path.of("/usr/local/bin/python3.11"));
    file(root, "venv/pyvenv.cfg", "home = /usr/local/bin\ninclude-system-site-packages = false\nversion = 3.11.4\n");
    Files.createDirectories(root.resolve("venv/lib/python3.11/site-packages"));
    file(root, "venv/app.py");

    PythonLayout layout = PythonLayout.compute(new RootFs(root), "/venv/bin/python", Map.of("HOME", "/root"),
        Launch.script("/venv/app.py"));
    assertThat(layout.sysPath()).containsExactly("/venv", "/usr/local/lib/python311.zip",
        "/usr/local/lib/python3.11", "/usr/local/lib/python3.11/lib-dynload", "/venv/lib/python3.11/site-packages");
    assertThat(layout.venvPrefix()).contains("/venv");
    assertThat(layout.prefix()).isEqualTo("/usr/local");

    // with the system site-packages: the venv's first, then the base installation's
    file(root, "venv/pyvenv.cfg", "home = /usr/local/bin\ninclude-system-site-packages = true\n");
    PythonLayout shared = PythonLayout.compute(new RootFs(root), "/venv/bin/python", Map.of(),
        Launch.script("/venv/app.py"));
    assertThat(shared.sysPath()).endsWith("/venv/lib/python3.11/site-packages",
        "/usr/local/lib/python3.11/site-packages");
  }

  @Test
  void pythonHomeOverridesTheSearch() throws IOException {
    Path root = tmp.resolve("root");
    file(root, "opt/py/bin/python3.12");
    file(root, "srv/lib/python3.12/os.py");
    PythonLayout layout = PythonLayout.compute(new RootFs(root), "/opt/py/bin/python3.12",
        Map.of("PYTHONHOME", "/srv"), Launch.code("pass", "/"));
    assertThat(layout.sysPath()).containsExactly("/", "/srv/lib/python312.zip", "/srv/lib/python3.12",
        "/srv/lib/python3.12/lib-dynload");
  }

  static void file(Path root, String rel) throws IOException {
    file(root, rel, "");
  }

  static void file(Path root, String rel, String text) throws IOException {
    Path p = root.resolve(rel);
    Files.createDirectories(p.getParent());
    Files.writeString(p, text);
  }
}

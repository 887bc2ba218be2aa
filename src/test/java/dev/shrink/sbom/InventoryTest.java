package dev.shrink.sbom;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shrink.fs.RootFs;
import dev.shrink.python.Launch;
import dev.shrink.python.PythonLayout;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The inventory of this machine's root (Debian bookworm with python3-falcon and gunicorn, as
 * .ci/run installs them), checked against dpkg-query and Debian's python3 (importlib.metadata).
 */
class InventoryTest {
  static final RootFs HOST = new RootFs(Path.of("/"));
  static Inventory inventory;

  @BeforeAll
  static void read() throws IOException {
    PythonLayout layout = PythonLayout.compute(HOST, "/usr/bin/python3", Map.of("PATH", "/usr/bin:/bin"), Launch.module("gunicorn", "/"));
    inventory = Inventory.read(HOST, layout);
  }

  static Package find(Package.Type type, String name) {
    return inventory.packages().stream().filter(p -> p.type() == type && p.name().equals(name)).findFirst()
        .orElseThrow(() -> new AssertionError("no " + type + " " + name + " in the inventory"));
  }

  static String run(String... command) throws Exception {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes()).strip();
    assertThat(p.waitFor()).as(String.join(" ", command) + ": " + out).isZero();
    return out;
  }

  @Test
  void debianPackagesAsDpkgQuerySeesThem() throws Exception {
    Package libc = find(Package.Type.DEB, "libc6");
    assertThat(libc.version()).isEqualTo(run("dpkg-query", "-W", "-f=${Version}", "libc6"));
    assertThat(libc.architecture()).isEqualTo(run("dpkg", "--print-architecture"));
    assertThat(libc.source()).isEqualTo("glibc");
    assertThat(libc.purl()).isEqualTo("pkg:deb/debian/libc6@" + libc.version().replace("+", "%2B") + "?arch=amd64&upstream=glibc");
    // dpkg lists /lib/x86_64-linux-gnu/libc.so.6; on merged /usr it is found where it really is, and no directory is a file of it
    assertThat(libc.files()).contains("/usr/lib/x86_64-linux-gnu/libc.so.6").doesNotContain("/usr", "/lib/x86_64-linux-gnu/libc.so.6");
    assertThat(libc.files()).allMatch(f -> !Files.isDirectory(Path.of(f), LinkOption.NOFOLLOW_LINKS));
    // "Source: python-falcon (3.1.1-1)": the source's own version is cut off
    Package falcon = find(Package.Type.DEB, "python3-falcon");
    assertThat(falcon.source()).isEqualTo("python-falcon");
    assertThat(falcon.version()).isEqualTo(run("dpkg-query", "-W", "-f=${Version}", "python3-falcon"));
    assertThat(falcon.licences()).containsExactly(new Licence("Apache-2.0", true));
    assertThat(find(Package.Type.DEB, "python3.11-minimal").source()).isEqualTo("python3.11");
    long installed = run("dpkg-query", "-W", "-f=${db:Status-Status}\\n").lines().filter(l -> l.equals("installed")).count();
    assertThat(inventory.packages().stream().filter(p -> p.type() == Package.Type.DEB)).hasSize((int) installed);
  }

  @Test
  void pythonDistributionsAsImportlibMetadataSeesThem() throws Exception {
    String versions = run("/usr/bin/python3", "-c", "import importlib.metadata as m; print(m.version('gunicorn'), m.version('falcon'))");
    Package gunicorn = find(Package.Type.PYPI, "gunicorn");
    Package falcon = find(Package.Type.PYPI, "falcon");
    assertThat(gunicorn.version() + " " + falcon.version()).isEqualTo(versions);
    assertThat(gunicorn.purl()).isEqualTo("pkg:pypi/gunicorn@" + gunicorn.version());
    assertThat(gunicorn.licences()).containsExactly(new Licence("MIT", true));
    assertThat(falcon.licences()).containsExactly(new Licence("Apache-2.0", true)); // License: Apache 2.0
    // Debian's egg-info records no files: the top-level packages it provides are its files
    assertThat(falcon.files()).contains("/usr/lib/python3/dist-packages/falcon/app.py",
        "/usr/lib/python3/dist-packages/falcon-" + falcon.version() + ".egg-info/PKG-INFO");
    assertThat(falcon.files()).noneMatch(f -> f.startsWith("/usr/lib/python3/dist-packages/gunicorn/"));
  }

  @Test
  void sourcelessBytecodeComesFromItsSourcesPackage() {
    String app = "/usr/lib/python3/dist-packages/gunicorn/app/base";
    List<String> beside = inventory.origin(app + ".pyc").stream().map(Package::key).toList();
    List<String> cached = inventory.origin("/usr/lib/python3/dist-packages/gunicorn/app/__pycache__/base.cpython-311.opt-1.pyc").stream()
        .map(Package::key).toList();
    assertThat(beside).containsExactlyInAnyOrder("deb:python3-gunicorn:all", "pypi:gunicorn");
    assertThat(cached).isEqualTo(beside);
    assertThat(inventory.origin("/nowhere/x.pyc")).isEmpty();
  }
}

package dev.shrink.minify;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shrink.closure.Analyser;
import dev.shrink.closure.Requirement;
import dev.shrink.fs.RootFs;
import dev.shrink.layer.LayerEntry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The rules that put each kept path in a layer, and what no runtime reads. */
class LayerSplitTest {
  @TempDir Path tmp;

  @Test
  void pathsGoToRuntimeDependenciesOrAppByRule() {
    Path f = tmp.resolve("f");
    List<LayerEntry> entries = List.of(
        LayerEntry.directory("/usr", 0755, 0, 0),
        LayerEntry.file("/usr/bin/python3.11", f, 0755, 0, 0),
        LayerEntry.file("/usr/lib/python3.11/os.pyc", f, 0644, 0, 0),
        LayerEntry.file("/usr/lib/python3/dist-packages/falcon/app.so", f, 0644, 0, 0),
        LayerEntry.file("/opt/venv/pyvenv.cfg", f, 0644, 0, 0),
        LayerEntry.symlink("/opt/venv/bin/python", "/usr/bin/python3.11"),
        LayerEntry.directory("/app", 0750, 0, 0),
        LayerEntry.file("/app/app.py", f, 0644, 0, 0),
        LayerEntry.file("/app/.venv/lib/python3.11/site-packages/x.py", f, 0644, 0, 0),
        LayerEntry.hardlink("/app/python-copy", "/usr/bin/python3.11", 0755, 0, 0),
        LayerEntry.directory("/tmp", 01777, 0, 0));
    Map<LayerSplit.Part, List<LayerEntry>> parts = new LayerSplit(List.of("/app")).split(entries);
    assertThat(parts.keySet()).containsExactly(LayerSplit.Part.RUNTIME, LayerSplit.Part.DEPENDENCIES, LayerSplit.Part.APP);
    assertThat(paths(parts.get(LayerSplit.Part.RUNTIME))).containsExactly("/usr", "/usr/bin/python3.11", "/usr/lib/python3.11/os.pyc",
        "/app/python-copy", "/app", "/tmp");
    assertThat(paths(parts.get(LayerSplit.Part.DEPENDENCIES))).containsExactly("/usr/lib/python3/dist-packages/falcon/app.so", "/usr",
        "/opt/venv/pyvenv.cfg", "/opt/venv/bin/python", "/app/.venv/lib/python3.11/site-packages/x.py", "/app");
    assertThat(paths(parts.get(LayerSplit.Part.APP))).containsExactly("/app", "/app/app.py");
    // a directory repeated in another layer keeps its mode
    assertThat(parts.get(LayerSplit.Part.DEPENDENCIES)).filteredOn(e -> e.path().equals("/app")).singleElement()
        .extracting(LayerEntry::mode).isEqualTo(0750);
    assertThat(new LayerSplit(List.of()).split(List.of(LayerEntry.file("/usr/bin/python3", f, 0755, 0, 0))).keySet())
        .as("empty layers are left out").containsExactly(LayerSplit.Part.RUNTIME);
  }

  @Test
  void whatNoRuntimeReadsIsDroppedOnlyFromWholeDirectoryCopies() throws Exception {
    String site = "/app/.venv/lib/python3.11/site-packages";
    List<String> files = List.of("/app/app.py", "/app/types.pyi", "/app/py.typed", "/app/__pycache__/app.cpython-311.pyc",
        "/app/__pycache__/app.cpython-39.pyc", "/app/__pycache__/app.cpython-311.opt-2.pyc", "/app/tests/test_app.py",
        site + "/lib/__init__.py", site + "/lib/tests/test_lib.py", site + "/lib/test/data.txt", site + "/needed/tests/helpers.py");
    for (String p : files) {
      Path host = tmp.resolve(p.substring(1));
      Files.createDirectories(host.getParent());
      Files.writeString(host, "x");
    }
    FileSet kept = new FileSet(new RootFs(tmp));
    files.forEach(p -> kept.add(new Requirement(p, Analyser.APP, "application directory (WORKDIR /app)")));
    kept.add(new Requirement(site + "/needed/tests/helpers.py", Analyser.PYTHON, "from needed.tests import helpers (/app/app.py:1)"));
    Unread.Result r = Unread.drop(kept, "cpython-311");
    assertThat(r.dropped().keySet()).containsExactlyInAnyOrder("/app/types.pyi", "/app/py.typed", "/app/__pycache__/app.cpython-39.pyc",
        site + "/lib/tests/test_lib.py", site + "/lib/test/data.txt");
    assertThat(r.kept().paths()).contains("/app/app.py", "/app/tests/test_app.py", "/app/__pycache__/app.cpython-311.opt-2.pyc",
        site + "/needed/tests/helpers.py");
    assertThat(r.dropped().get("/app/__pycache__/app.cpython-39.pyc")).contains("cpython-39").contains("cpython-311");
  }

  private static List<String> paths(List<LayerEntry> entries) {
    return entries.stream().map(LayerEntry::path).toList();
  }
}

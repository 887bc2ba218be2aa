package dev.shrink.python;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class ModuleNamesTest {
  static final List<String> PATH = List.of("/app", "/usr/lib/python3.11", "/usr/lib/python3/dist-packages");

  @Test
  void filesOnThePathAreTheModulesTheImportSystemWouldLoadThemAs() {
    assertThat(ModuleNames.of(PATH, "/usr/lib/python3.11/json/__pycache__/decoder.cpython-311.pyc")).contains("json.decoder");
    assertThat(ModuleNames.of(PATH, "/usr/lib/python3.11/json/__init__.py")).contains("json");
    assertThat(ModuleNames.of(PATH, "/usr/lib/python3/dist-packages/falcon/app.cpython-311-x86_64-linux-gnu.so")).contains("falcon.app");
    assertThat(ModuleNames.of(PATH, "/usr/lib/python3.11/os.pyc")).contains("os");
  }

  /** Only importlib can load a name with '-', and Debian's sysconfig does: allowed for a top-level module file only. */
  @Test
  void aDashIsAModuleNameOnlyAtTheTopLevel() {
    assertThat(ModuleNames.of(PATH, "/usr/lib/python3.11/_sysconfigdata__x86_64-linux-gnu.py")).contains("_sysconfigdata__x86_64-linux-gnu");
    assertThat(ModuleNames.of(PATH, "/app/tools/gen-data.py")).isEmpty();
    assertThat(ModuleNames.of(PATH, "/app/my-pkg/mod.py")).isEmpty();
    assertThat(ModuleNames.of(PATH, "/app/1st.py")).isEmpty();
    assertThat(ModuleNames.of(PATH, "/opt/elsewhere/mod.py")).isEmpty();
  }
}

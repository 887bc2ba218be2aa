package dev.shrink.python;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shrink.elf.LibraryResolver;
import dev.shrink.fs.RootFs;
import dev.shrink.json.Json;
import dev.shrink.layer.TempFiles;
import dev.shrink.testing.Fixtures;
import dev.shrink.testing.NeedsEngine;
import dev.shrink.testing.Podman;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;

/**
 * The pyorg fixture's root filesystem (a python.org-style CPython under /usr/local with a shared
 * libpython), unpacked, against the real interpreter and the real ld.so running inside the image:
 * the computed sys.path and prefixes are the ones the interpreter prints, and the ELF closure of
 * the launcher is what {@code ld.so --list} loads.
 */
@NeedsEngine
class PythonOrgRootfsTest {
  static final String IMAGE_SCRIPT = "/probe/show.py";

  static Path tmp;
  static String image;
  static RootFs root;
  static Map<String, String> env;

  @BeforeAll
  static void unpack() throws Exception {
    image = Fixtures.image("pyorg");
    tmp = Files.createTempDirectory("shrink-pyorg-");
    root = Fixtures.unpack("pyorg", tmp.resolve("root"));
    env = new HashMap<>();
    String config = Podman.run("image", "inspect", "--format", "{{json .Config.Env}}", image).orThrow().stdout();
    for (JsonNode n : Json.MAPPER.readTree(config)) {
      String kv = n.asString();
      env.put(kv.substring(0, kv.indexOf('=')), kv.substring(kv.indexOf('=') + 1));
    }
    env.put("HOME", "/root"); // what podman sets for the image's user, root
    Files.writeString(tmp.resolve("show.py"), """
        import json, sys
        print(json.dumps({"path": sys.path, "executable": sys.executable, "prefix": sys.prefix,
                          "exec_prefix": sys.exec_prefix}))
        """);
  }

  @AfterAll
  static void delete() {
    if (tmp != null) {
      TempFiles.deleteTree(tmp);
    }
  }

  /** What the interpreter inside the image prints, started as {@code interpreter /probe/show.py}. */
  static JsonNode real(String interpreter) {
    Podman.Result r = Podman.run("run", "--rm", "--read-only", "-v", tmp.resolve("show.py") + ":" + IMAGE_SCRIPT + ":ro",
        image, interpreter, IMAGE_SCRIPT).orThrow();
    return Json.MAPPER.readTree(r.stdout());
  }

  /** The fixture's command names /usr/local/bin/python3; a bare name goes through the image's PATH. */
  @ParameterizedTest
  @ValueSource(strings = {"/usr/local/bin/python3", "python3", "/usr/local/bin/python3.11"})
  void sysPathIsTheOneTheRealInterpreterPrints(String interpreter) {
    JsonNode real = real(interpreter);
    List<String> expected = new ArrayList<>();
    real.get("path").forEach(p -> expected.add(p.asString()));

    PythonLayout layout = PythonLayout.compute(root, interpreter, env, Launch.script(IMAGE_SCRIPT));

    assertThat(layout.sysPath()).containsExactlyElementsOf(expected);
    assertThat(layout.sysPath()).contains("/usr/local/lib/python3.11/site-packages")
        .noneMatch(p -> p.startsWith("/usr/lib/") || p.endsWith("dist-packages"));
    assertThat(layout.executable()).isEqualTo(real.get("executable").asString());
    assertThat(layout.prefix()).isEqualTo(real.get("prefix").asString()).isEqualTo("/usr/local");
    assertThat(layout.execPrefix()).isEqualTo(real.get("exec_prefix").asString());
    assertThat(layout.debianSite()).isFalse();
    assertThat(layout.realExecutable()).isEqualTo("/usr/local/bin/python3.11");
  }

  /**
   * The launcher where the fixture put it reaches libpython through its RUNPATH ($ORIGIN/../lib);
   * a copy in /opt/py/bin, where $ORIGIN/../lib does not exist, through ld.so.conf's /usr/local/lib
   * (ld.so itself reads the cache ldconfig made from it).
   */
  @ParameterizedTest
  @ValueSource(strings = {"/usr/local/bin/python3.11", "/opt/py/bin/python3.11"})
  void launcherLoadsWhatLdSoLoads(String launcher) throws Exception {
    Path copy = tmp.resolve("python3.11");
    Files.copy(root.host("/usr/local/bin/python3.11"), copy, StandardCopyOption.REPLACE_EXISTING);
    if (!launcher.startsWith("/usr/local/")) {
      Path inRoot = root.host(launcher);
      Files.createDirectories(inRoot.getParent());
      Files.copy(copy, inRoot, StandardCopyOption.REPLACE_EXISTING);
    }
    Map<String, String> loaded = ldSoList(launcher, copy);

    LibraryResolver.Closure closure = new LibraryResolver(root, env).resolve(launcher);

    assertThat(closure.missing()).isEmpty();
    Map<String, String> resolved = new LinkedHashMap<>();
    closure.objects().stream().skip(1).filter(o -> !o.reason().startsWith("RUNTIME "))
        .forEach(o -> resolved.put(o.name(), RootFs.normalize(o.path())));
    assertThat(resolved).isEqualTo(loaded);
    assertThat(closure.objects()).anySatisfy(o -> {
      assertThat(o.realPath()).isEqualTo("/usr/local/lib/libpython3.11.so.1.0");
      assertThat(o.reason()).isEqualTo("NEEDED libpython3.11.so.1.0 by " + launcher);
    });
  }

  /**
   * {@code ld.so --list LAUNCHER} inside the image (with the launcher file mounted at its path):
   * name to normalised path of each object ld.so maps, the interpreter by its own path, the vDSO
   * (no file) left out.
   */
  static Map<String, String> ldSoList(String launcher, Path launcherFile) {
    Podman.Result r = Podman.run("run", "--rm", "--read-only", "-v", launcherFile + ":" + launcher + ":ro", image,
        "/lib64/ld-linux-x86-64.so.2", "--list", launcher).orThrow();
    Map<String, String> out = new LinkedHashMap<>();
    for (String line : r.stdout().strip().split("\n")) {
      String entry = line.strip().replaceAll(" \\(0x[0-9a-f]+\\)$", "");
      int arrow = entry.indexOf(" => ");
      if (arrow >= 0) {
        out.put(entry.substring(0, arrow), RootFs.normalize(entry.substring(arrow + 4)));
      } else if (entry.startsWith("/")) {
        out.put(entry, RootFs.normalize(entry));
      }
    }
    assertThat(out).as(r.stdout()).containsKey("libpython3.11.so.1.0");
    return out;
  }

  @Test
  void noDebianPythonIsLeftToFallBackTo() {
    assertThat(root.resolve("/usr/bin/python3")).isEmpty();
    assertThat(root.resolve("/usr/lib/python3.11")).isEmpty();
    assertThat(root.resolve("/usr/lib/python3")).isEmpty();
    assertThat(root.resolve("/usr/lib/x86_64-linux-gnu/libpython3.11.so.1.0")).isEmpty();
  }
}

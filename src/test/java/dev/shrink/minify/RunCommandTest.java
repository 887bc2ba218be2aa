package dev.shrink.minify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shrink.closure.Requirement;
import dev.shrink.fs.RootFs;
import dev.shrink.image.ImageConfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunCommandTest {
  @TempDir Path dir;
  RootFs root;

  Path exe(String path, String content) throws Exception {
    Path p = root.host(path);
    Files.createDirectories(p.getParent());
    Files.writeString(p, content);
    Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
    return p;
  }

  void link(String path, String target) throws Exception {
    Path p = root.host(path);
    Files.createDirectories(p.getParent());
    Files.createSymbolicLink(p, Path.of(target));
  }

  ImageConfig config(String json) {
    return ImageConfig.parse(json.getBytes(StandardCharsets.UTF_8), "test");
  }

  @BeforeEach
  void layout() throws Exception {
    root = new RootFs(dir);
    exe("/usr/bin/python3.11", "\u007fELF fake");
    link("/usr/bin/python3", "python3.11");
    link("/bin", "usr/bin");
    exe("/usr/bin/env", "\u007fELF fake env");
    exe("/usr/bin/gunicorn", "#!/usr/bin/python3\nfrom gunicorn.app.wsgiapp import run\n");
    exe("/usr/local/bin/tool", "#!/usr/bin/env python3\nprint(1)\n");
  }

  @Test
  void consoleScriptFollowsItsShebangToTheRealInterpreterKeepingLinks() throws Exception {
    RunCommand r = RunCommand.resolve(root, config("{\"config\":{\"Entrypoint\":[\"gunicorn\",\"app:api\"],\"WorkingDir\":\"/app\"}}"), null, null);
    assertThat(r.programs()).containsExactly("/usr/bin/gunicorn", "/usr/bin/python3");
    assertThat(r.interpreterArgs().get(1)).containsExactly("/usr/bin/gunicorn", "app:api");
    assertThat(r.requirements()).extracting(Requirement::path).contains("/usr/bin/gunicorn", "/usr/bin/python3", "/usr/bin/python3.11");
    assertThat(r.workdir()).isEqualTo("/app");
  }

  @Test
  void envShebangIsResolvedOnPath() throws Exception {
    RunCommand r = RunCommand.resolve(root, config("{\"config\":{\"Cmd\":[\"tool\",\"-x\"]}}"), null, null);
    assertThat(r.programs()).containsExactly("/usr/local/bin/tool", "/usr/bin/env", "/usr/bin/python3");
    assertThat(r.interpreterArgs().get(2)).containsExactly("/usr/local/bin/tool", "-x");
  }

  @Test
  void simpleShellFormBecomesExecForm() throws Exception {
    RunCommand r = RunCommand.resolve(root, config("{\"config\":{\"Cmd\":[\"/bin/sh\",\"-c\",\"exec gunicorn -b 0.0.0.0:8000 app:api\"]}}"), null, null);
    assertThat(r.cmd()).containsExactly("gunicorn", "-b", "0.0.0.0:8000", "app:api");
  }

  @Test
  void realShellScriptIsAClearError() {
    assertThatThrownBy(() -> RunCommand.resolve(root, config("{\"config\":{\"Cmd\":[\"/bin/sh\",\"-c\",\"cd /app && gunicorn app:api\"]}}"), null, null))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("exec form").hasMessageContaining("cd /app && gunicorn");
  }

  @Test
  void overridesWinAndAMissingProgramIsNamed() throws Exception {
    RunCommand r = RunCommand.resolve(root, config("{\"config\":{\"Cmd\":[\"gunicorn\"]}}"), List.of("/usr/bin/python3", "-m", "http.server"), null);
    assertThat(r.argv()).containsExactly("/usr/bin/python3", "-m", "http.server");
    assertThatThrownBy(() -> RunCommand.resolve(root, config("{\"config\":{\"Cmd\":[\"nosuch\"]}}"), null, null))
        .hasMessageContaining("'nosuch'").hasMessageContaining("PATH");
    assertThatThrownBy(() -> RunCommand.resolve(root, config("{\"config\":{}}"), null, null)).hasMessageContaining("--entrypoint");
  }
}

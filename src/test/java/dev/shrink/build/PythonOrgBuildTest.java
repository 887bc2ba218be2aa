package dev.shrink.build;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shrink.image.Image;
import dev.shrink.minify.Minifier;
import dev.shrink.report.ReportJson;
import dev.shrink.testing.Fixtures;
import dev.shrink.testing.NeedsEngine;
import dev.shrink.testing.Podman;
import dev.shrink.transport.ImageReference;
import dev.shrink.transport.TransportOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code shrink build --python} with a python.org-style interpreter: the pyorg fixture's root
 * filesystem, unpacked, is the machine (CPython under /usr/local, a shared libpython found through
 * RUNPATH, no Debian python), and a developer's project in a home directory on it is built.
 */
@NeedsEngine
class PythonOrgBuildTest {
  Path work;

  @BeforeEach
  void area() throws Exception {
    Podman.assumeAvailable();
    work = BuildTesting.workArea("pyorg");
  }

  @AfterEach
  void clean() {
    BuildTesting.delete(work);
  }

  @Test
  void scriptRunByTheUsrLocalInterpreterPrintsWhatTheFixturePrints() throws Exception {
    Path machine = work.resolve("machine");
    Fixtures.unpack("pyorg", machine);
    Path home = Files.createDirectories(machine.resolve("home/dev"));
    Files.writeString(home.resolve(".bash_history"), "export TOKEN=secret\n");
    Path proj = Files.createDirectories(home.resolve("receipt"));
    Files.copy(Fixtures.dir("pyorg").resolve("app/main.py"), proj.resolve("main.py"));
    Builder.Host host = new Builder.Host(machine, proj, List.of(home));
    Builder.Spec spec = new Builder.Spec(proj, null, List.of(), Map.of(), null, machine + "/usr/local/bin/python3",
        List.of("main.py"), List.of(), false);

    Builder.Built built = Builder.build(spec, Minifier.Output.defaults(), host, Files.createDirectories(work.resolve("build")));

    assertThat(built.result().report().problems()).isEmpty();
    assertThat(built.plan().entrypoint()).containsExactly("/usr/local/bin/python3", "/app/main.py");
    Path archive = work.resolve("receipt.tar");
    try (Image image = built.result().image()) {
      ImageReference.parse("docker-archive:" + archive + ":shrink-test/pyorg-build:latest").write(image, TransportOptions.defaults());
    }
    String image = BuildTesting.load(archive, "localhost/shrink-test/pyorg-build:latest");
    assertThat(BuildTesting.run(List.of(), image)).isEqualTo(Fixtures.expected("pyorg", "default"));

    Map<String, String> kept = BuildTesting.kept(ReportJson.tree(built.result().report()));
    assertThat(kept).containsEntry("/usr/local/bin/python3", "symlink").containsEntry("/usr/local/bin/python3.11", "file")
        .containsEntry("/usr/local/lib/libpython3.11.so.1.0", "file").containsEntry("/app/main.py", "file");
    assertThat(kept.keySet()).noneMatch(p -> p.startsWith("/usr/lib/python3") || p.startsWith("/home/"));
  }
}

package dev.shrink.fs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A host directory or file seen at an image path: every RootFs method honours the mount. */
class RootFsMountTest {
  @TempDir Path tmp;
  Path root;
  Path app;

  @BeforeEach
  void layout() throws IOException {
    root = Files.createDirectories(tmp.resolve("root"));
    Files.createDirectories(root.resolve("etc"));
    Files.writeString(root.resolve("etc/hosts.conf"), "root's");
    Files.createDirectories(root.resolve("usr/bin"));
    Files.writeString(root.resolve("usr/bin/python3.11"), "elf");
    Files.createSymbolicLink(root.resolve("usr/bin/python3"), Path.of("python3.11"));
    Files.createDirectories(root.resolve("srv"));
    Files.createSymbolicLink(root.resolve("srv/current"), Path.of("/app"));
    Files.createSymbolicLink(root.resolve("opt"), Path.of("srv"));

    app = Files.createDirectories(tmp.resolve("project"));
    Files.writeString(app.resolve("main.py"), "print('hi')");
    Files.createDirectories(app.resolve("pkg/data"));
    Files.writeString(app.resolve("pkg/__init__.py"), "");
    Files.writeString(app.resolve("pkg/data/x.txt"), "x");
    Files.createSymbolicLink(app.resolve("python"), Path.of("/usr/bin/python3"));
    Files.createSymbolicLink(app.resolve("conf"), Path.of("../etc/hosts.conf"));
    Files.createSymbolicLink(app.resolve("up"), Path.of("../../../../.."));
  }

  /** Links out of the temp dir are removed here, so JUnit's cleanup has nothing to warn about. */
  @AfterEach
  void unlink() throws IOException {
    for (String link : List.of("python", "conf", "up")) {
      Files.deleteIfExists(app.resolve(link));
    }
    Files.deleteIfExists(root.resolve("srv/current"));
  }

  @Test
  void hostPathsOfAMountedDirectory() {
    RootFs fs = new RootFs(root).withMount("/app", app);
    assertThat(fs.host("/app")).isEqualTo(app.toAbsolutePath());
    assertThat(fs.host("/app/pkg/data/x.txt")).isEqualTo(app.resolve("pkg/data/x.txt"));
    assertThat(fs.host("/application")).isEqualTo(root.resolve("application"));
    assertThat(fs.host("/etc/hosts.conf")).isEqualTo(root.resolve("etc/hosts.conf"));
    assertThat(fs.host("/app/../etc")).isEqualTo(root.resolve("etc"));
    assertThat(fs.imagePath(app.resolve("pkg/__init__.py"))).isEqualTo("/app/pkg/__init__.py");
    assertThat(fs.imagePath(app)).isEqualTo("/app");
    assertThat(fs.imagePath(root.resolve("etc"))).isEqualTo("/etc");
    assertThat(fs.mounts()).containsExactly(new RootFs.Mount("/app", app));
  }

  @Test
  void linksInsideTheMountAreFollowedInTheImagesView() {
    RootFs fs = new RootFs(root).withMount("/app", app);
    RootFs.Resolved python = fs.resolve("/app/python").orElseThrow();
    assertThat(python.path()).isEqualTo("/usr/bin/python3.11");
    assertThat(python.links()).containsExactly("/app/python", "/usr/bin/python3");
    // ../etc from /app is the image's /etc, not the host directory beside the project
    assertThat(fs.resolve("/app/conf").orElseThrow().path()).isEqualTo("/etc/hosts.conf");
    // however many "..", a link never leaves the image
    assertThat(fs.resolve("/app/up/etc/hosts.conf").orElseThrow().path()).isEqualTo("/etc/hosts.conf");
    // a link of the root into the mount point reaches the mounted files
    assertThat(fs.resolve("/srv/current/main.py").orElseThrow().path()).isEqualTo("/app/main.py");
    assertThat(fs.isRegularFile("/srv/current/pkg/data/x.txt")).isTrue();
    assertThat(fs.isDirectory("/app/pkg")).isTrue();
    assertThat(fs.isRegularFile("/app/missing.py")).isFalse();
  }

  @Test
  void theMountPointAppearsInItsParentsListingAndInGlobs() throws IOException {
    RootFs fs = new RootFs(root).withMount("/app", app);
    assertThat(fs.list("/")).containsExactly("app", "etc", "opt", "srv", "usr");
    assertThat(fs.list("/app")).containsExactly("conf", "main.py", "pkg", "python", "up");
    assertThat(fs.glob("/app/**.py")).containsExactly("/app/main.py", "/app/pkg/__init__.py");
    assertThat(fs.glob("/app/**")).containsExactly("/app/conf", "/app/main.py", "/app/pkg", "/app/pkg/__init__.py",
        "/app/pkg/data", "/app/pkg/data/x.txt", "/app/python", "/app/up");
    assertThat(fs.glob("/**.txt")).containsExactly("/app/pkg/data/x.txt");
    assertThat(fs.glob("/srv/current/*.py")).containsExactly("/srv/current/main.py");
    assertThat(fs.glob("/app/main.py")).containsExactly("/app/main.py");
    assertThat(new String(fs.read("/srv/current/pkg/data/x.txt"))).isEqualTo("x");
    // the root directory itself is not touched
    try (Stream<Path> s = Files.list(root)) {
      assertThat(s.map(p -> p.getFileName().toString()).sorted()).containsExactly("etc", "opt", "srv", "usr");
    }
  }

  @Test
  void nestedMountsAndFileMounts() throws IOException {
    Path conf = Files.writeString(tmp.resolve("settings.toml"), "debug = false");
    Path extra = Files.createDirectories(tmp.resolve("extra"));
    Files.writeString(extra.resolve("a.txt"), "a");
    RootFs fs = new RootFs(root).withMount("/app", app).withMount("/app/pkg/extra", extra).withMount("/etc/app.toml", conf);
    assertThat(fs.host("/app/pkg/extra/a.txt")).isEqualTo(extra.resolve("a.txt"));
    assertThat(fs.host("/app/pkg/data")).isEqualTo(app.resolve("pkg/data"));
    assertThat(fs.list("/app/pkg")).containsExactly("__init__.py", "data", "extra");
    assertThat(fs.glob("/app/pkg/**.txt")).containsExactly("/app/pkg/data/x.txt", "/app/pkg/extra/a.txt");
    assertThat(fs.isRegularFile("/etc/app.toml")).isTrue();
    assertThat(fs.list("/etc")).containsExactly("app.toml", "hosts.conf");
    assertThat(fs.glob("/etc/*.toml")).containsExactly("/etc/app.toml");
    assertThat(fs.imagePath(extra.resolve("a.txt"))).isEqualTo("/app/pkg/extra/a.txt");
    assertThat(fs.mounts()).extracting(RootFs.Mount::imagePath).containsExactly("/app/pkg/extra", "/etc/app.toml", "/app");
  }

  @Test
  void aMountLandsWhereAProcessWouldLookAndTakesALinksTarget() throws IOException {
    Path link = Files.createSymbolicLink(tmp.resolve("project-link"), app);
    RootFs fs = new RootFs(root).withMount("/opt/web", link);
    // /opt is a link to srv: the mount point is /srv/web, and /opt/web reaches it
    assertThat(fs.mounts()).containsExactly(new RootFs.Mount("/srv/web", app.toRealPath()));
    assertThat(fs.resolve("/opt/web/main.py").orElseThrow()).isEqualTo(new RootFs.Resolved("/srv/web/main.py", List.of("/opt")));
    assertThat(fs.list("/srv")).containsExactly("current", "web");
  }

  @Test
  void mountsThatCannotBeMadeAreRefused() {
    RootFs fs = new RootFs(root);
    assertThatThrownBy(() -> fs.withMount("/", app)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("over the root");
    assertThatThrownBy(() -> fs.withMount("/nowhere/app", app)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("/nowhere is not a directory");
    assertThatThrownBy(() -> fs.withMount("/etc/hosts.conf/x", app)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> fs.withMount("/app", tmp.resolve("missing"))).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("does not exist");
  }

  @Test
  void withoutMountsNothingChanges() {
    RootFs fs = new RootFs(root);
    assertThat(fs.mounts()).isEmpty();
    assertThat(fs.resolve("/srv/current")).isEmpty();
    assertThat(fs.glob("/usr/**")).containsExactly("/usr/bin", "/usr/bin/python3", "/usr/bin/python3.11");
    assertThat(fs.glob("/opt/**")).containsExactly("/opt/current");
    assertThat(fs.list("/")).containsExactly("etc", "opt", "srv", "usr");
  }
}

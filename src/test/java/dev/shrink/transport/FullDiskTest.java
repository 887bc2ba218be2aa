package dev.shrink.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.shrink.testing.Cli;
import dev.shrink.transport.RawImage.Layer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A full disk, made as a 1 MiB tmpfs (needs root; skipped without it unless CI is set): every
 * write that fails names where it was writing, and leaves nothing on the full file system
 * (issue 18: "No space left on device" said not where).
 */
class FullDiskTest {
  @TempDir
  Path tmp;
  Path small;
  Path src;

  static void run(String... command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(String.join(" ", command) + ": " + out).isZero();
  }

  @BeforeEach
  void mount() throws Exception {
    boolean root = "0".equals(new String(new ProcessBuilder("id", "-u").start().getInputStream().readAllBytes()).strip());
    assumeTrue(root || System.getenv("CI") != null, "mounting a small tmpfs needs root");
    small = Files.createDirectory(tmp.resolve("small"));
    run("mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", small.toString());
    src = Files.createDirectory(tmp.resolve("src"));
    Layer big = RawImage.tarLayer(InterruptTest.randomTar(1, 2, 9));
    RawImage.writeOci(src, "1", List.of(big));
  }

  @AfterEach
  void unmount() throws Exception {
    if (small != null) {
      run("umount", small.toString());
    }
  }

  void failsNaming(Path where, String... args) throws IOException {
    Cli.Run r = Cli.run(args);
    assertThat(r.exit()).as(r.err()).isEqualTo(1);
    // progress lines ("phase: ...") may come first; the error is the last line
    assertThat(r.err().lines().reduce((a, b) -> b).orElse("")).startsWith("shrink: error: ").contains("No space left on device")
        .contains(where.toString());
    assertThat(r.err()).doesNotContain("\tat ");
    assertThat(InterruptTest.tempEntries(small)).as("left on the full file system").isEmpty();
  }

  @Test
  void unpack() throws IOException {
    Path dest = small.resolve("rootfs");
    failsNaming(dest, "unpack", "oci:" + src + ":1", dest.toString());
  }

  @Test
  void copyToALayout() throws IOException {
    Path dest = small.resolve("layout");
    failsNaming(dest, "copy", "oci:" + src + ":1", "oci:" + dest + ":1");
  }

  @Test
  void copyToAnArchive() throws IOException {
    Path dest = small.resolve("image.tar");
    failsNaming(dest, "copy", "oci:" + src + ":1", "docker-archive:" + dest);
  }

  @Test
  void tempDirectory() throws IOException {
    failsNaming(small, "copy", "--tmpdir", small.toString(), "oci:" + src + ":1", "oci-archive:" + tmp.resolve("out.tar"));
  }
}

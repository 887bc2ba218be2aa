package dev.shrink.transport;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shrink.testing.Cli;
import dev.shrink.transport.RawImage.Layer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * shrink stopped in the middle, as a real process: SIGTERM leaves nothing in its --tmpdir and no
 * partial output; after a SIGKILL the same command run again completes what it started (issue
 * 18: SIGTERM left 38-203 MB in the temp directory, and a copy killed by SIGKILL refused to run
 * again until the layout was removed by hand).
 */
class InterruptTest {
  @TempDir
  Path tmp;

  /** A tar of {@code files} files of {@code mib} MiB each of random bytes (gzip cannot shrink them). */
  static byte[] randomTar(int files, int mib, long seed) {
    Random random = new Random(seed);
    byte[][] data = new byte[files][mib << 20];
    for (byte[] d : data) {
      random.nextBytes(d);
    }
    java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
    try (org.apache.commons.compress.archivers.tar.TarArchiveOutputStream tar = new org.apache.commons.compress.archivers.tar.TarArchiveOutputStream(bytes)) {
      for (int i = 0; i < files; i++) {
        org.apache.commons.compress.archivers.tar.TarArchiveEntry e = new org.apache.commons.compress.archivers.tar.TarArchiveEntry("data/f" + i);
        e.setSize(data[i].length);
        tar.putArchiveEntry(e);
        tar.write(data[i]);
        tar.closeArchiveEntry();
      }
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  Process start(String name, String... args) throws IOException {
    return ShrinkProcess.start(tmp.resolve(name + ".log"), true, java.util.Map.of(), args);
  }

  static void await(String what, BooleanSupplier condition, Process p) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (!condition.getAsBoolean()) {
      assertThat(p.isAlive()).as("shrink still running while waiting for " + what).isTrue();
      assertThat(System.nanoTime()).as("time waiting for " + what).isLessThan(deadline);
      Thread.sleep(5);
    }
  }

  static List<String> list(Path dir) {
    try (Stream<Path> walk = Files.walk(dir)) {
      return walk.filter(p -> !p.equals(dir)).map(p -> dir.relativize(p).toString()).sorted().toList();
    } catch (IOException e) {
      return List.of("(cannot list: " + e + ")");
    }
  }

  static boolean anyFileIn(Path dir) {
    return !list(dir).isEmpty();
  }

  /** What a temp directory holds besides the lock file runs hold their byte of (which stays). */
  static List<String> tempEntries(Path temp) {
    return list(temp).stream().filter(f -> !f.equals("shrink-" + System.getProperty("user.name") + ".lock")).toList();
  }

  /** Sends SIGTERM: shrink exits 143 (128 + 15) with nothing left in {@code temp} and no {@code dest}. */
  static void terminatedLeavingNothing(Process p, Path temp, Path dest) throws InterruptedException {
    p.destroy();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).isEqualTo(143);
    assertThat(tempEntries(temp)).as("--tmpdir after SIGTERM").isEmpty();
    assertThat(dest).doesNotExist();
  }

  /** SIGTERM while copy gzips layers into --tmpdir (for an archive; into an oci: layout they go straight): the temp files go, no archive is left. */
  @Test
  void sigtermDuringCopyLeavesNothing() throws Exception {
    Path src = Files.createDirectory(tmp.resolve("src"));
    RawImage.writeOci(src, "1", List.of(RawImage.tarLayer(randomTar(3, 8, 1)), RawImage.tarLayer(randomTar(3, 8, 2))));
    Path temp = Files.createDirectory(tmp.resolve("temp"));
    Path dest = tmp.resolve("dest.tar");
    Process p = start("copy", "copy", "--tmpdir", temp.toString(), "oci:" + src, "oci-archive:" + dest + ":1");
    await("a gzip file in --tmpdir", () -> list(temp).stream().anyMatch(f -> f.endsWith(".tar.gz")), p);
    terminatedLeavingNothing(p, temp, dest);
  }

  /** SIGTERM while the layout is being written: the directory the copy created is removed. */
  @Test
  void sigtermDuringCopyRemovesTheNewLayout() throws Exception {
    Path src = Files.createDirectory(tmp.resolve("src"));
    RawImage.writeOci(src, "1", List.of(RawImage.gzipLayer(randomTar(4, 4, 3)), RawImage.gzipLayer(randomTar(4, 4, 4))));
    Path temp = Files.createDirectory(tmp.resolve("temp"));
    Path dest = tmp.resolve("dest");
    Process p = start("copy", "copy", "--tmpdir", temp.toString(), "oci:" + src, "oci:" + dest + ":1");
    await("a blob in the new layout", () -> Files.isDirectory(dest.resolve("blobs/sha256")), p);
    terminatedLeavingNothing(p, temp, dest);
  }

  /** SIGTERM during unpack: the directory it created is removed. */
  @Test
  void sigtermDuringUnpackRemovesItsDirectory() throws Exception {
    Path src = Files.createDirectory(tmp.resolve("src"));
    RawImage.writeOci(src, "1", List.of(RawImage.gzipLayer(randomTar(8, 4, 5))));
    Path temp = Files.createDirectory(tmp.resolve("temp"));
    Path dest = tmp.resolve("rootfs");
    Process p = start("unpack", "unpack", "--tmpdir", temp.toString(), "oci:" + src, dest.toString());
    await("a file unpacked", () -> Files.isDirectory(dest.resolve("data")) && anyFileIn(dest.resolve("data")), p);
    terminatedLeavingNothing(p, temp, dest);
  }

  /** SIGKILL mid-copy leaves a layout without index.json; the same copy run again completes it. */
  @Test
  void aCopyKilledMidWayCanRunAgain() throws Exception {
    Path src = Files.createDirectory(tmp.resolve("src"));
    Layer a = RawImage.gzipLayer(randomTar(4, 4, 6));
    RawImage.writeOci(src, "1", List.of(a, RawImage.gzipLayer(randomTar(4, 4, 7))));
    Path dest = tmp.resolve("dest");
    Process p = start("copy", "copy", "oci:" + src, "oci:" + dest + ":1");
    await("a partial blob", () -> list(dest).stream().anyMatch(f -> f.contains(".partial-")), p);
    p.destroyForcibly();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(dest.resolve("index.json")).as("killed before it wrote index.json").doesNotExist();
    assertThat(list(dest)).anyMatch(f -> f.contains(".partial-"));

    Cli.Run again = Cli.run("copy", "oci:" + src, "oci:" + dest + ":1");
    assertThat(again.exit()).as(again.err()).isZero();
    assertThat(list(dest)).noneMatch(f -> f.contains(".partial-")).contains("index.json");
    Path rootfs = tmp.resolve("rootfs");
    Cli.Run unpack = Cli.run("unpack", "oci:" + dest + ":1", rootfs.toString());
    assertThat(unpack.exit()).as(unpack.err()).isZero();
    assertThat(Files.size(rootfs.resolve("data/f0"))).isEqualTo(4 << 20);
  }

  /** SIGKILL mid-write of an archive leaves its partial file beside it; the next write removes it (no process holds its lock). */
  @Test
  void anArchiveKilledMidWayLeavesNothingAfterTheNextWrite() throws Exception {
    Path src = Files.createDirectory(tmp.resolve("src"));
    RawImage.writeOci(src, "1", List.of(RawImage.gzipLayer(randomTar(4, 4, 8)), RawImage.gzipLayer(randomTar(4, 4, 9))));
    Path out = Files.createDirectory(tmp.resolve("out"));
    Process p = start("copy", "copy", "oci:" + src, "oci-archive:" + out.resolve("image.tar"));
    await("a partial archive", () -> list(out).stream().anyMatch(f -> f.startsWith(".image.tar.partial-")), p);
    p.destroyForcibly();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(list(out)).singleElement().asString().startsWith(".image.tar.partial-");

    Cli.Run again = Cli.run("copy", "oci:" + src, "oci-archive:" + out.resolve("image.tar"));
    assertThat(again.exit()).as(again.err()).isZero();
    assertThat(list(out)).containsExactly("image.tar");
  }

  /** An image of 2 uncompressed layers of {@code files} x {@code mib} MiB, slow to copy under -Xint (copy gzips them into --tmpdir for an archive). */
  Path slowSource(int files, int mib, long seed) throws IOException {
    Path src = Files.createDirectory(tmp.resolve("src"));
    RawImage.writeOci(src, "1", List.of(RawImage.tarLayer(randomTar(files, mib, seed)), RawImage.tarLayer(randomTar(files, mib, seed + 1))));
    return src;
  }

  static boolean gzipping(Path temp, long pid) {
    return list(temp).stream().anyMatch(f -> f.startsWith("shrink-gzip-" + pid + "-") && f.endsWith(".tar.gz"));
  }

  /** SIGKILL while copy gzips into --tmpdir leaves its temp files; the next run removes them, and succeeds. */
  @Test
  void theTempFilesOfAKilledRunAreRemovedByTheNextRun() throws Exception {
    Path src = slowSource(3, 8, 10);
    Path temp = Files.createDirectory(tmp.resolve("temp"));
    Process p = start("copy", "copy", "--tmpdir", temp.toString(), "oci:" + src, "oci-archive:" + tmp.resolve("killed.tar") + ":1");
    await("a gzip file in --tmpdir", () -> gzipping(temp, p.pid()), p);
    p.destroyForcibly();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(tempEntries(temp)).as("left by SIGKILL").isNotEmpty().allMatch(f -> f.startsWith("shrink-gzip-" + p.pid() + "-"));

    Path dest = tmp.resolve("dest.tar");
    Cli.Run again = Cli.run("copy", "--tmpdir", temp.toString(), "oci:" + src, "oci-archive:" + dest + ":1");
    assertThat(again.exit()).as(again.err()).isZero();
    assertThat(tempEntries(temp)).as("--tmpdir after the next run").isEmpty();
    Cli.Run unpack = Cli.run("unpack", "oci-archive:" + dest + ":1", tmp.resolve("rootfs").toString());
    assertThat(unpack.exit()).as(unpack.err()).isZero();
    assertThat(Files.size(tmp.resolve("rootfs/data/f2"))).isEqualTo(8 << 20);
  }

  /** A run that starts while another gzips into the same --tmpdir leaves the live run's files alone; both succeed. */
  @Test
  void aLiveRunsTempFilesAreNotTaken() throws Exception {
    Path src = slowSource(2, 2, 12);
    Path temp = Files.createDirectory(tmp.resolve("temp"));
    Path slow = tmp.resolve("slow.tar");
    Process p = start("copy", "copy", "--tmpdir", temp.toString(), "oci:" + src, "oci-archive:" + slow + ":1");
    await("a gzip file in --tmpdir", () -> gzipping(temp, p.pid()), p);
    List<String> live = tempEntries(temp);

    Path small = Files.createDirectory(tmp.resolve("small"));
    RawImage.writeOci(small, "1", List.of(RawImage.tarLayer(RawImage.tar(java.util.Map.of("a", "b")))));
    Cli.Run other = Cli.run("copy", "--tmpdir", temp.toString(), "oci:" + small, "oci-archive:" + tmp.resolve("small-copy.tar") + ":1");
    assertThat(other.exit()).as(other.err()).isZero();
    assertThat(p.isAlive()).as("the slow copy still running").isTrue();
    assertThat(list(temp)).as("the live run's files").containsAll(live);

    assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(Files.readString(tmp.resolve("copy.log"))).isZero();
    assertThat(tempEntries(temp)).isEmpty();
    Cli.Run unpack = Cli.run("unpack", "oci-archive:" + slow + ":1", tmp.resolve("rootfs").toString());
    assertThat(unpack.exit()).as(unpack.err()).isZero();
  }
}

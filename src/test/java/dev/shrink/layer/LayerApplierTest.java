package dev.shrink.layer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LayerApplierTest {
  static final String LAYER = "sha256:" + "ab".repeat(32);

  @TempDir Path tmp;
  Path root;
  Path outside;
  Path secret;

  @BeforeEach
  void setUp() throws IOException {
    root = tmp.resolve("root");
    outside = tmp.resolve("outside");
    Files.createDirectories(outside);
    secret = outside.resolve("secret");
    Files.writeString(secret, "keep me");
  }

  LayerApplier apply(byte[]... layers) throws IOException {
    LayerApplier a = new LayerApplier(root);
    for (byte[] l : layers) {
      a.apply(new ByteArrayInputStream(l), "test-image", LAYER);
    }
    return a;
  }

  void assertOutsideUntouched() throws IOException {
    try (Stream<Path> s = Files.list(outside)) {
      assertThat(s.map(p -> p.getFileName().toString()).toList()).containsExactly("secret");
    }
    assertThat(Files.readString(secret)).isEqualTo("keep me");
    assertThat(Files.getAttribute(secret, "unix:nlink")).isEqualTo(1);
  }

  @Test
  void dotDotEntryIsRejectedWithImageLayerAndEntryNamed() throws IOException {
    byte[] layer = new TarBuilder().file("../outside/pwned", "x").tar();
    assertThatThrownBy(() -> apply(layer))
        .isInstanceOf(LayerException.class)
        .hasMessageContaining("test-image").hasMessageContaining(LAYER).hasMessageContaining("'../outside/pwned'")
        .hasMessageContaining("..");
    assertOutsideUntouched();
  }

  @Test
  void absoluteSymlinkOutIsFollowedInsideTheRoot() throws IOException {
    byte[] layer = new TarBuilder().symlink("escape", outside.toString()).file("escape/pwned", "x").tar();
    apply(layer);
    assertOutsideUntouched();
    assertThat(root.resolve(outside.toString().substring(1)).resolve("pwned")).hasContent("x");
    assertThat(Files.isSymbolicLink(root.resolve("escape"))).isTrue();
  }

  @Test
  void relativeSymlinkUpwardsIsClampedAtTheRoot() throws IOException {
    String up = "../".repeat(tmp.getNameCount() + 3) + "outside";
    byte[] layer = new TarBuilder().symlink("up", up).file("up/pwned", "x").tar();
    apply(layer);
    assertOutsideUntouched();
    assertThat(root.resolve("outside/pwned")).hasContent("x");
  }

  @Test
  void fileOverASymlinkReplacesTheLinkInsteadOfWritingThroughIt() throws IOException {
    byte[] layer = new TarBuilder().symlink("link", secret.toString()).file("link", "overwritten").tar();
    apply(layer);
    assertOutsideUntouched();
    assertThat(Files.isSymbolicLink(root.resolve("link"))).isFalse();
    assertThat(root.resolve("link")).hasContent("overwritten");
  }

  @Test
  void symlinkInOneLayerThenFileThroughItInTheNext() throws IOException {
    apply(new TarBuilder().symlink("d", outside.toString()).tar(), new TarBuilder().file("d/secret", "pwned").tar());
    assertOutsideUntouched();
    assertThat(root.resolve(outside.toString().substring(1)).resolve("secret")).hasContent("pwned");
  }

  @Test
  void hardlinkToOutsideIsRejected() throws IOException {
    assertThatThrownBy(() -> apply(new TarBuilder().hardlink("hl", "../outside/secret").tar()))
        .isInstanceOf(LayerException.class).hasMessageContaining("'hl'");
    assertThatThrownBy(() -> apply(new TarBuilder().hardlink("hl2", secret.toString()).tar()))
        .isInstanceOf(LayerException.class).hasMessageContaining("'hl2'").hasMessageContaining("does not exist");
    assertOutsideUntouched();
  }

  @Test
  void hardlinkThroughASymlinkedDirectoryStaysInside() throws IOException {
    byte[] layer = new TarBuilder().symlink("o", outside.toString()).hardlink("hl", "o/secret").tar();
    assertThatThrownBy(() -> apply(layer)).isInstanceOf(LayerException.class).hasMessageContaining("'hl'");
    assertOutsideUntouched();
  }

  @Test
  void hardlinkInsideTheRootIsKept() throws IOException {
    apply(new TarBuilder().file("a", "same").hardlink("b", "a").tar());
    assertThat(Files.isSameFile(root.resolve("a"), root.resolve("b"))).isTrue();
  }

  @Test
  void deviceNodesAreSkipped() throws IOException {
    LayerApplier a = apply(new TarBuilder().dir("dev").charDevice("dev/null").file("ok", "fine").tar());
    assertThat(a.skippedSpecialFiles()).isEqualTo(1);
    assertThat(Files.exists(root.resolve("dev/null"), LinkOption.NOFOLLOW_LINKS)).isFalse();
    assertThat(root.resolve("ok")).hasContent("fine");
  }

  @Test
  void truncatedGzipFailsNamingTheLayerAndEntry() throws IOException {
    TarBuilder b = new TarBuilder();
    for (int i = 0; i < 20; i++) {
      b.file("f" + i, ("content " + i + " ").repeat(5000) + Math.random());
    }
    byte[] gz = b.gzip();
    byte[] cut = Arrays.copyOf(gz, gz.length / 2);
    assertThatThrownBy(() -> apply(cut))
        .isInstanceOf(LayerException.class)
        .hasMessageContaining("test-image").hasMessageContaining(LAYER).hasMessageContaining("truncated")
        .hasMessageContaining("entry 'f");
    assertOutsideUntouched();
  }

  @Test
  void whiteoutsRemoveLowerFiles() throws IOException {
    apply(new TarBuilder().file("a/b", "1").file("a/c", "2").file("o/x", "3").file("o/y", "4").tar(),
        new TarBuilder().file("a/.wh.b", "").dir("o").file("o/.wh..wh..opq", "").file("o/z", "5").tar());
    assertThat(root.resolve("a/b")).doesNotExist();
    assertThat(root.resolve("a/c")).hasContent("2");
    assertThat(root.resolve("o/x")).doesNotExist();
    assertThat(root.resolve("o/y")).doesNotExist();
    assertThat(root.resolve("o/z")).hasContent("5");
  }

  @Test
  void whiteoutThroughASymlinkedParentDeletesInsideOnly() throws IOException {
    apply(new TarBuilder().symlink("o", outside.toString()).file("o/.wh.secret", "").tar());
    assertOutsideUntouched();
  }

  @Test
  void zstdAndPlainLayersAreRead() throws IOException {
    byte[] plain = new TarBuilder().file("p", "plain").tar();
    java.io.ByteArrayOutputStream z = new java.io.ByteArrayOutputStream();
    try (var out = Compression.ZSTD.compress(z, 3)) {
      out.write(new TarBuilder().file("z", "zstd").tar());
    }
    apply(plain, z.toByteArray());
    assertThat(root.resolve("p")).hasContent("plain");
    assertThat(root.resolve("z")).hasContent("zstd");
  }

  /** Issue 18's corpus, cases that held: setuid and setgid bits are not unpacked (a rootfs is data, never run as set-id). */
  @Test
  void setuidSetgidAndStickyBitsAreDropped() throws IOException {
    apply(new TarBuilder().file("usr/bin/su", "x", 07755).tar());
    assertThat((int) Files.getAttribute(root.resolve("usr/bin/su"), "unix:mode") & 07777).isEqualTo(0755);
  }

  /** Names past the 100 bytes of a tar header come in PAX headers: they land at their place, and a PAX "../" is refused as any. */
  @Test
  void paxPathsAreTheNamesTheyCarry() throws IOException {
    String longName = "deep/" + "d".repeat(120) + "/" + "f".repeat(150);
    apply(new TarBuilder().file(longName, "long").tar());
    assertThat(root.resolve(longName)).hasContent("long");
    byte[] escape = new TarBuilder().file("a/../../" + "x".repeat(120) + "/../../outside/pwned", "x").tar();
    assertThatThrownBy(() -> apply(escape)).isInstanceOf(LayerException.class).hasMessageContaining("..");
    assertOutsideUntouched();
  }

  /** Links in a loop as parents of an entry: refused after a bounded number of hops, not followed forever. */
  @Test
  void aSymlinkLoopAsAParentIsRefused() throws IOException {
    byte[] layer = new TarBuilder().symlink("a", "b").symlink("b", "a").file("a/file", "x").tar();
    assertThatThrownBy(() -> apply(layer)).isInstanceOf(LayerException.class).hasMessageContaining("'a/file'")
        .hasMessageContaining("too many links");
    assertOutsideUntouched();
  }
}

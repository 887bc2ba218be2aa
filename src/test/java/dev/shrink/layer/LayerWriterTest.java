package dev.shrink.layer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shrink.image.Digest;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LayerWriterTest {
  @TempDir Path tmp;

  static final String LONG = "/opt/" + "very-long-directory-name/".repeat(6) + "file-with-a-name-ü.txt";

  List<LayerEntry> entries() throws IOException {
    Path src = tmp.resolve("src");
    Files.createDirectories(src);
    Files.writeString(src.resolve("a"), "alpha");
    Files.writeString(src.resolve("b"), "beta beta");
    return List.of(
        LayerEntry.file("/usr/bin/tool", src.resolve("a"), 0755, 0, 0),
        LayerEntry.symlink("/usr/bin/alias", "tool"),
        LayerEntry.hardlink("/usr/bin/tool2", "/usr/bin/tool", 0755, 0, 0),
        LayerEntry.file(LONG, src.resolve("b"), 0640, 70000, 70001),
        LayerEntry.directory("/tmp", 01777, 0, 0));
  }

  @Test
  void sameEntriesGiveTheSameDigestEveryTime() throws IOException {
    LayerWriter w = new LayerWriter(Compression.GZIP, 6, 0);
    LayerWriter.Blob one = w.write(entries(), tmp.resolve("one.tar.gz"));
    List<LayerEntry> reversed = new ArrayList<>(entries());
    java.util.Collections.reverse(reversed);
    LayerWriter.Blob two = w.write(reversed, tmp.resolve("two.tar.gz"));
    assertThat(two.descriptor().digest()).isEqualTo(one.descriptor().digest());
    assertThat(two.diffId()).isEqualTo(one.diffId());
    assertThat(Files.readAllBytes(one.file())).isEqualTo(Files.readAllBytes(two.file()));
    try (InputStream in = Files.newInputStream(one.file())) {
      assertThat(Digest.of(in)).isEqualTo(one.descriptor().digest());
    }
    try (InputStream in = Compression.uncompressed(Files.newInputStream(one.file()))) {
      assertThat(Digest.of(in)).isEqualTo(one.diffId());
    }
    assertThat(one.descriptor().size()).isEqualTo(Files.size(one.file()));
  }

  @Test
  void entriesAreSortedWithParentsAndKeepLinksOwnersModesAndMtime() throws IOException {
    LayerWriter.Blob blob = new LayerWriter(Compression.GZIP, 6, 1_700_000_000L).write(entries(), tmp.resolve("l.tar.gz"));
    List<String> names = new ArrayList<>();
    try (TarArchiveInputStream tar = new TarArchiveInputStream(Compression.uncompressed(Files.newInputStream(blob.file())))) {
      for (TarArchiveEntry e; (e = tar.getNextEntry()) != null; ) {
        names.add(e.getName());
        assertThat(e.getModTime().getTime()).isEqualTo(1_700_000_000_000L);
        assertThat(e.getUserName()).isEmpty();
        switch (e.getName()) {
          case "usr/bin/alias" -> assertThat(e.isSymbolicLink() && e.getLinkName().equals("tool")).isTrue();
          case "usr/bin/tool2" -> assertThat(e.isLink() && e.getLinkName().equals("usr/bin/tool")).isTrue();
          case "tmp/" -> assertThat(e.getMode() & 07777).isEqualTo(01777);
          case "usr/bin/tool" -> assertThat(new String(tar.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("alpha");
          default -> {
            if (e.getName().equals(LONG.substring(1))) {
              assertThat(e.getLongUserId()).isEqualTo(70000);
              assertThat(e.getLongGroupId()).isEqualTo(70001);
              assertThat(e.getMode() & 07777).isEqualTo(0640);
            }
          }
        }
      }
    }
    assertThat(names).isSorted().contains("usr/", "usr/bin/", "opt/", LONG.substring(1));
    assertThat(names.indexOf("usr/")).isLessThan(names.indexOf("usr/bin/tool"));
  }

  @Test
  void gnuTarReadsTheLayer() throws Exception {
    LayerWriter.Blob blob = new LayerWriter(Compression.GZIP, 6, 0).write(entries(), tmp.resolve("l.tar.gz"));
    Path out = tmp.resolve("x");
    Files.createDirectories(out);
    Process p = new ProcessBuilder("tar", "-xzf", blob.file().toString(), "-C", out.toString(), "--no-same-owner").redirectErrorStream(true).start();
    String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor()).as(log).isZero();
    assertThat(out.resolve(LONG.substring(1))).hasContent("beta beta");
    assertThat(Files.readSymbolicLink(out.resolve("usr/bin/alias")).toString()).isEqualTo("tool");
    assertThat(Files.isSameFile(out.resolve("usr/bin/tool"), out.resolve("usr/bin/tool2"))).isTrue();
  }

  @Test
  void aFileBelowANonDirectoryEntryIsRefused() throws IOException {
    Path f = Files.writeString(tmp.resolve("f"), "x");
    assertThatThrownBy(() -> new LayerWriter(Compression.GZIP, 6, 0).write(
        List.of(LayerEntry.symlink("/lib", "usr/lib"), LayerEntry.file("/lib/x", f, 0644, 0, 0)), tmp.resolve("bad.tar.gz")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("/lib/x");
  }
}

package dev.shrink.sbom;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shrink.fs.RootFs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/** A fat root made here with dpkg's database as distroless has it (status.d), and what an output keeps of it. */
class ContentsTest {
  @TempDir Path dir;

  /** Two packages in status.d, one removed but for its config files in status, a shell, pip and a setuid file. */
  private RootFs fat() throws Exception {
    Files.createDirectories(dir.resolve("var/lib/dpkg/status.d"));
    Files.createDirectories(dir.resolve("var/lib/dpkg/info"));
    Files.createDirectories(dir.resolve("usr/bin"));
    Files.createDirectories(dir.resolve("usr/lib/python3/dist-packages/pip"));
    Files.createSymbolicLink(dir.resolve("bin"), Path.of("usr/bin"));
    Files.writeString(dir.resolve("var/lib/dpkg/status.d/dash"), """
        Package: dash
        Version: 0.5.12-2
        Architecture: amd64
        """);
    Files.writeString(dir.resolve("var/lib/dpkg/status.d/tool"), """
        Package: tool
        Source: tools (1.0-1)
        Version: 1.0-1+b1
        Architecture: amd64
        """);
    Files.writeString(dir.resolve("var/lib/dpkg/status.d/tool.md5sums"), "0123  usr/bin/tool\n");
    Files.writeString(dir.resolve("var/lib/dpkg/status"), """
        Package: gone
        Status: deinstall ok config-files
        Version: 2
        Architecture: amd64
        """);
    Files.writeString(dir.resolve("var/lib/dpkg/info/dash.list"), "/.\n/bin\n/bin/dash\n/bin/sh\n");
    Files.writeString(dir.resolve("var/lib/dpkg/info/tool:amd64.list"), "/usr\n/usr/bin\n/usr/bin/tool\n/usr/bin/su-tool\n");
    Files.writeString(dir.resolve("usr/bin/dash"), "#!dash");
    Files.createSymbolicLink(dir.resolve("usr/bin/sh"), Path.of("dash"));
    Files.writeString(dir.resolve("usr/bin/tool"), "tool!");
    Files.writeString(dir.resolve("usr/bin/su-tool"), "su");
    Files.setPosixFilePermissions(dir.resolve("usr/bin/su-tool"), PosixFilePermissions.fromString("rwxr-xr-x"));
    Files.setAttribute(dir.resolve("usr/bin/su-tool"), "unix:mode", 04755);
    Files.writeString(dir.resolve("usr/lib/python3/dist-packages/pip/__main__.py"), "");
    return new RootFs(dir);
  }

  @Test
  void statusDPackagesWithTheirFilesWhereTheyReallyAre() throws Exception {
    List<Dpkg.Deb> debs = Dpkg.read(fat());
    assertThat(debs).extracting(Dpkg.Deb::name).containsExactly("dash", "tool");
    Dpkg.Deb tool = debs.get(1);
    assertThat(tool.source()).isEqualTo("tools");
    assertThat(tool.sourceVersion()).isEqualTo("1.0-1");
    assertThat(tool.files()).containsExactly("/usr/bin/su-tool", "/usr/bin/tool");
    assertThat(debs.get(0).files()).containsExactly("/usr/bin/dash", "/usr/bin/sh");
  }

  @Test
  void keptDroppedAndTheSurfaceRemoved() throws Exception {
    RootFs fat = fat();
    Inventory inventory = Inventory.read(fat, null);
    Contents c = Contents.of(inventory, List.of(new OutputFile("/usr/bin/tool", 5, 0755)), fat);
    assertThat(c.packages()).hasSize(1);
    Contents.Kept tool = c.packages().get(0);
    assertThat(tool.pkg().name()).isEqualTo("tool");
    assertThat(List.of(tool.files(), tool.bytes(), tool.fatFiles(), tool.fatBytes())).containsExactly(1L, 5L, 2L, 7L);
    assertThat(c.droppedDebs()).extracting(Package::name).containsExactly("dash");
    assertThat(c.fatSurface().get("shells")).containsExactly("/usr/bin/dash", "/usr/bin/sh");
    assertThat(c.outputSurface().get("shells")).isEmpty();
    assertThat(c.fatSurface().get("packageManagers")).hasSize(1);
    // an unpacked image has no setuid bits to tell (shrink unpacks without them): no count is claimed
    assertThat(c.fatSurface()).doesNotContainKey("setuidSetgid");
    assertThat(tool.pkg().purl()).isEqualTo("pkg:deb/debian/tool@1.0-1%2Bb1?arch=amd64&upstream=tools");

    Contents kept = Contents.of(inventory, List.of(new OutputFile("/usr/bin/sh", 0, 0777), new OutputFile("/usr/bin/su-tool", 2, 04755)), null);
    assertThat(kept.packages()).extracting(k -> k.pkg().name()).containsExactly("dash", "tool");
    assertThat(kept.fatSurface()).isNull();
    assertThat(kept.outputSurface().get("shells")).containsExactly("/usr/bin/sh");
    assertThat(kept.outputSurface().get("setuidSetgid")).hasSize(1);
  }

  @Test
  void statusDEntriesOfTheKeptPackagesOnly() throws Exception {
    Map<String, String> entries = StatusD.entries(Inventory.read(fat(), null), List.of("/usr/bin/tool", "/etc/passwd"));
    assertThat(entries).containsOnlyKeys("/var/lib/dpkg/status.d/tool");
    assertThat(entries.get("/var/lib/dpkg/status.d/tool")).isEqualTo("Package: tool\nSource: tools (1.0-1)\nVersion: 1.0-1+b1\nArchitecture: amd64\n");
  }
}

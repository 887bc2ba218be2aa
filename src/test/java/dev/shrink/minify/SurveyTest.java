package dev.shrink.minify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.shrink.fs.RootFs;
import dev.shrink.report.Report;
import dev.shrink.sbom.Inventory;
import dev.shrink.sbom.Package;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The survey reads on its own thread what {@link Inventory#debs} reads on the caller's. */
class SurveyTest {
  @TempDir Path dir;

  @Test
  void readsTheRootsDebianPackagesBesideTheCaller() throws Exception {
    Files.createDirectories(dir.resolve("var/lib/dpkg/info"));
    Files.createDirectories(dir.resolve("usr/bin"));
    Files.writeString(dir.resolve("usr/bin/tool"), "#!/bin/true\n");
    Files.writeString(dir.resolve("var/lib/dpkg/status"), """
        Package: tool
        Status: install ok installed
        Version: 1.0-1
        Architecture: amd64
        """);
    Files.writeString(dir.resolve("var/lib/dpkg/info/tool.list"), "/usr\n/usr/bin\n/usr/bin/tool\n");
    RootFs root = new RootFs(dir);
    Report.Sizes before = new Report.Sizes(1, 2, 3);
    try (Survey survey = Survey.of(before, root)) {
      assertThat(survey.sizes()).isSameAs(before);
      assertThat(survey.debs().packages()).extracting(Package::name, Package::version, Package::files)
          .containsExactlyElementsOf(Inventory.debs(root).packages().stream().map(p -> tuple(p.name(), p.version(),
              p.files())).toList())
          .extracting(t -> t.toList().get(0)).containsExactly("tool");
    }
  }
}

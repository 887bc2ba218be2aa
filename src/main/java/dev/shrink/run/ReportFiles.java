package dev.shrink.run;

import dev.shrink.json.Json;
import dev.shrink.layer.LayerWriter;
import dev.shrink.report.HtmlReport;
import dev.shrink.report.Report;
import dev.shrink.report.ReportJson;
import dev.shrink.sbom.Contents;
import dev.shrink.sbom.Sbom;
import dev.shrink.sbom.Subject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;

/**
 * Where the report of a minify or build goes: as JSON ({@code --report}), as an HTML page
 * ({@code --report-html}; each may be null) and as SBOMs ({@code --sbom FORMAT=FILE}), each file
 * written whole or not at all.
 */
public record ReportFiles(Path json, Path html, Map<Path, Sbom> sboms) {
  public static final ReportFiles NONE = new ReportFiles(null, null, Map.of());

  public ReportFiles {
    sboms = Map.copyOf(sboms);
  }

  boolean any() {
    return json != null || html != null || !sboms.isEmpty();
  }

  /** Writes {@code report} of the output {@code destination}, which holds {@code packages}. */
  void write(Report report, Contents packages, String destination) throws IOException {
    if (json != null) {
      ReportJson.write(report, json);
    }
    if (html != null) {
      HtmlReport.write(report, html);
    }
    Subject subject = new Subject(destination, report.digest(), LayerWriter.sourceDateEpoch(), report.shrinkVersion());
    for (Map.Entry<Path, Sbom> t : sboms.entrySet()) {
      Path file = t.getKey().toAbsolutePath();
      Path tmp = Files.createTempFile(file.getParent(), "." + file.getFileName() + ".", ".partial");
      try {
        Files.write(tmp, Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(t.getValue().write(packages, subject)));
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      } finally {
        Files.deleteIfExists(tmp);
      }
    }
  }
}

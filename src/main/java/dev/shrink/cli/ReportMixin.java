package dev.shrink.cli;

import dev.shrink.run.ReportFiles;
import dev.shrink.sbom.Sbom;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/** What minify and build write about DEST besides DEST: the report (JSON, HTML) and SBOMs. */
final class ReportMixin {
  @Option(names = "--report", paramLabel = "FILE.json", description = "Write the report: every file kept, its size and why.")
  Path json;

  @Option(names = "--report-html", paramLabel = "FILE.html", description = "Write the report as one self-contained HTML page: "
      + "a size treemap, the kept and dropped files, and why each file is kept.")
  Path html;

  @Option(names = "--sbom", paramLabel = "FORMAT=FILE", description = "Also write an SBOM of what DEST holds (repeatable), as syft -o "
      + "names the formats: cyclonedx-json=FILE (CycloneDX 1.6) or spdx-json=FILE (SPDX 2.3).")
  List<String> sboms = List.of();

  /** The files asked for; a usage error for an --sbom that is not FORMAT=FILE. */
  ReportFiles files(CommandLine.Model.CommandSpec spec) {
    Map<Path, Sbom> out = new LinkedHashMap<>();
    for (String v : sboms) {
      int eq = v.indexOf('=');
      try {
        if (eq <= 0 || eq == v.length() - 1) {
          throw new IllegalArgumentException("give FORMAT=FILE, e.g. cyclonedx-json=sbom.json");
        }
        out.put(Path.of(v.substring(eq + 1)), Sbom.of(v.substring(0, eq)));
      } catch (IllegalArgumentException e) {
        throw new CommandLine.ParameterException(spec.commandLine(), "--sbom " + v + ": " + e.getMessage());
      }
    }
    return new ReportFiles(json, html, out);
  }
}

package dev.shrink.cli;

import dev.shrink.run.ReportFiles;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The report files of minify and build. */
final class ReportMixin {
  @Option(names = "--report", paramLabel = "FILE.json", description = "Write the report: every file kept, its size and why.")
  Path json;

  @Option(names = "--report-html", paramLabel = "FILE.html", description = "Write the report as one self-contained HTML page: "
      + "a size treemap, the kept and dropped files, and why each file is kept.")
  Path html;

  ReportFiles files() {
    return new ReportFiles(json, html);
  }
}

package dev.shrink.run;

import dev.shrink.report.HtmlReport;
import dev.shrink.report.Report;
import dev.shrink.report.ReportJson;
import java.io.IOException;
import java.nio.file.Path;

/** Where the report of a minify or build goes: as JSON ({@code --report}) and as an HTML page ({@code --report-html}); each may be null. */
public record ReportFiles(Path json, Path html) {
  public static final ReportFiles NONE = new ReportFiles(null, null);

  boolean any() {
    return json != null || html != null;
  }

  void write(Report report) throws IOException {
    if (json != null) {
      ReportJson.write(report, json);
    }
    if (html != null) {
      HtmlReport.write(report, html);
    }
  }
}

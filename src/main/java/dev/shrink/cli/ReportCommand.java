package dev.shrink.cli;

import dev.shrink.json.Json;
import dev.shrink.report.HtmlReport;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/** {@code shrink report REPORT.json --html FILE}: a report written by minify or build, as one HTML page. */
@Command(name = "report", mixinStandardHelpOptions = true,
    header = "Renders a report of minify or build (--report FILE.json) as one self-contained HTML page.",
    description = {"The page shows a size treemap of the kept files (layer > directory > file,",
        "coloured by analyser), the kept and dropped files, the chain of reasons of any",
        "file on click, the packages when the report lists them, and the sizes before",
        "and after. It needs no network.",
        "Exit codes: 0 written, 1 REPORT.json is not a report, 2 bad usage."})
final class ReportCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "REPORT.json", description = "A report written by minify or build with --report.")
  Path input;

  @Option(names = "--html", paramLabel = "FILE.html", required = true, description = "Where to write the page (whole or not at all).")
  Path html;

  @Override
  public Integer call() throws IOException {
    JsonNode report;
    try {
      report = Json.MAPPER.readTree(Files.readString(input));
    } catch (CharacterCodingException e) {
      throw new IOException(input + ": not a report: not UTF-8 text", e);
    } catch (JacksonException e) {
      throw new IOException(input + ": not a report: not JSON: " + e.getOriginalMessage(), e);
    }
    if (report == null || !report.path("files").isArray()) {
      throw new IOException(input + ": not a report of shrink minify or build (it has no \"files\" array)");
    }
    HtmlReport.write(Json.MAPPER.writeValueAsString(report), html);
    System.out.println("Wrote " + html + " (" + report.path("files").size() + " files)");
    return 0;
  }
}

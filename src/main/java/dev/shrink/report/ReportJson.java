package dev.shrink.report;

import dev.shrink.json.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/** The one place a {@link Report} becomes JSON, and a report file becomes a {@link Report} again ({@code shrink why}). */
public final class ReportJson {
  private ReportJson() {}

  /** The report as pretty-printed JSON. */
  public static byte[] bytes(Report report) {
    return Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(report);
  }

  /** The report as a JSON tree (what the file holds). */
  public static JsonNode tree(Report report) {
    return Json.MAPPER.valueToTree(report);
  }

  /** Writes the report to {@code file}, whole or not at all. */
  public static void write(Report report, Path file) throws IOException {
    Path abs = file.toAbsolutePath();
    Path tmp = Files.createTempFile(abs.getParent(), ".report-", ".json");
    try {
      Files.write(tmp, bytes(report));
      Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  /**
   * A report file read back; fields this version does not know are ignored (a newer shrink's
   * report, sections other tools add). Not a report: an IllegalArgumentException naming the file.
   */
  public static Report read(Path file) throws IOException {
    Report r;
    try {
      r = Json.MAPPER.readValue(Files.readAllBytes(file), Report.class);
    } catch (JacksonException e) {
      throw new IllegalArgumentException(file + ": not a shrink report (" + e.getOriginalMessage() + ")", e);
    }
    if (r == null || r.files() == null) {
      throw new IllegalArgumentException(file + ": not a shrink report (no \"files\")");
    }
    return r;
  }
}

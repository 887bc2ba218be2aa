package dev.shrink.report;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * The report of minify or build as one self-contained HTML page: the report's JSON, embedded as it is
 * in the template {@code report/report.html}, whose own script draws the treemap, the lists and the
 * why-chains (no network, no library).
 */
public final class HtmlReport {
  private static final String TEMPLATE = "/report/report.html";
  private static final String PLACEHOLDER = "/*REPORT_JSON*/";

  private HtmlReport() {}

  /** The page for a report, given as its JSON text. */
  public static String render(String reportJson) {
    String template = template();
    int at = template.indexOf(PLACEHOLDER);
    if (at < 0 || at != template.lastIndexOf(PLACEHOLDER)) {
      throw new IllegalStateException(TEMPLATE + " must hold " + PLACEHOLDER + " once");
    }
    return template.substring(0, at) + embeddable(reportJson) + template.substring(at + PLACEHOLDER.length());
  }

  /** Writes the page of a report to {@code file}, with the report's JSON as {@link ReportJson} writes it. */
  public static void write(Report report, Path file) throws IOException {
    write(new String(ReportJson.bytes(report), StandardCharsets.UTF_8), file);
  }

  /** Writes the page to {@code file} whole or not at all (a temporary file beside it, renamed into place). */
  public static void write(String reportJson, Path file) throws IOException {
    Path abs = file.toAbsolutePath();
    if (!Files.isDirectory(abs.getParent())) {
      throw new NoSuchFileException(abs.getParent().toString(), null, "no such directory for " + file);
    }
    // rw-r--r-- less the umask, as a file made by the shell is (a temporary file would be rw-------)
    Path tmp = Files.createTempFile(abs.getParent(), "." + abs.getFileName() + ".", ".partial",
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-r--r--")));
    try {
      Files.writeString(tmp, render(reportJson), StandardCharsets.UTF_8);
      Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  /**
   * JSON that cannot end the script element it sits in: {@code <}, {@code >} and {@code &} (which
   * valid JSON has only inside strings) become {@code \}{@code u} escapes, so a path holding
   * {@code </script>} or {@code <!--} stays a string. U+2028/U+2029 too, for older parsers.
   */
  static String embeddable(String json) {
    StringBuilder out = new StringBuilder(json.length() + 64);
    for (int i = 0; i < json.length(); i++) {
      char c = json.charAt(i);
      switch (c) {
        case '<', '>', '&', '\u2028', '\u2029' -> out.append(String.format("\\u%04x", (int) c));
        default -> out.append(c);
      }
    }
    return out.toString();
  }

  private static String template() {
    try (InputStream in = HtmlReport.class.getResourceAsStream(TEMPLATE)) {
      if (in == null) {
        throw new IllegalStateException("resource " + TEMPLATE + " is missing");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}

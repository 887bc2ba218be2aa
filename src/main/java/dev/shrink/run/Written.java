package dev.shrink.run;

import dev.shrink.image.Digest;
import dev.shrink.image.Image;
import dev.shrink.report.Report;
import dev.shrink.report.ReportJson;
import dev.shrink.transport.ImageReference;
import dev.shrink.transport.TransportOptions;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/** What minify and build do once DEST is written: the report gets DEST's digest and the probes, and goes to its file. */
public final class Written {
  private Written() {}

  /** The digest of DEST's manifest as written there, read back. */
  public static String digest(ImageReference destination, TransportOptions options) throws IOException {
    try (Image written = destination.read(options)) {
      return Digest.of(written.manifestBytes(written.manifest().format()));
    }
  }

  /**
   * The report of an output written to {@code destination}: with its manifest digest when {@code
   * withDigest} or a {@code reportFile} is given (null: no report file), and the labels of the
   * probes a traced run used; written to {@code reportFile}.
   */
  static Report report(Report built, ImageReference destination, TransportOptions options, boolean withDigest, Path reportFile,
      List<String> probeLabels) throws IOException {
    String digest = withDigest || reportFile != null ? digest(destination, options) : null;
    Report r = built.written(digest, probeLabels);
    if (reportFile != null) {
      ReportJson.write(r, reportFile);
    }
    return r;
  }
}

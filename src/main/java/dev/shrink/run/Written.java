package dev.shrink.run;

import dev.shrink.image.Digest;
import dev.shrink.image.Image;
import dev.shrink.report.Report;
import dev.shrink.sbom.Contents;
import dev.shrink.transport.ImageReference;
import dev.shrink.transport.TransportOptions;
import java.io.IOException;
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
   * withDigest} or a report file is asked for, and the labels of the probes a traced run used;
   * written to the {@code files} asked for (SBOMs of {@code packages}).
   */
  static Report report(Report built, Contents packages, ImageReference destination, TransportOptions options, boolean withDigest,
      ReportFiles files, List<String> probeLabels) throws IOException {
    String digest = withDigest || files.any() ? digest(destination, options) : null;
    Report r = built.written(digest, probeLabels);
    files.write(r, packages, destination.toString());
    return r;
  }
}

package dev.shrink.report;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/** The version of shrink, as the build wrote it into the jar. */
public final class ShrinkVersion {
  private ShrinkVersion() {}

  /** The version ("0.1.0-SNAPSHOT"), or "unknown" when the jar does not say. */
  public static String get() {
    Properties p = new Properties();
    try (InputStream in = ShrinkVersion.class.getResourceAsStream("/shrink-version.properties")) {
      if (in != null) {
        p.load(in);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return p.getProperty("version", "unknown");
  }
}

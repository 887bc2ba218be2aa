package dev.shrink.closure;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;
import java.util.Locale;

/** Who asked for a kept path; in the report's JSON, the lowercase word ("elf", "python", ...). */
public enum Analyser {
  /** The programs the image's command runs, and the files named on its command line. */
  ENTRYPOINT,
  /** The application directory, kept whole (minify: the WORKDIR; build: what the user named). */
  APP,
  /** The Python analysis: imports, the interpreter's own files, metadata, literals of the app's code. */
  PYTHON,
  /** The ELF analysis: interpreter, NEEDED libraries, links on the way. */
  ELF,
  /** A rule of the knowledge files (a hidden import, a system file a module or library needs). */
  KNOWLEDGE,
  /** What every image needs: the run user's account, /tmp, the WORKDIR. */
  ESSENTIALS,
  /** What the user asked for with --include. */
  INCLUDE,
  /** What a traced run used. */
  PROBE,
  /** What a self-repair added after the shrunk image failed without it. */
  REPAIR,
  /** The dpkg status entries of the kept Debian packages (status.d), for scanners. */
  SBOM;

  @JsonValue
  public String word() {
    return name().toLowerCase(Locale.ROOT);
  }

  @JsonCreator
  public static Analyser of(String word) {
    return Arrays.stream(values()).filter(a -> a.word().equals(word)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("unknown analyser '" + word + "'"));
  }

  @Override
  public String toString() {
    return word();
  }
}

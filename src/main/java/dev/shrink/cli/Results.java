package dev.shrink.cli;

import dev.shrink.json.Json;
import dev.shrink.progress.PhaseLog;
import dev.shrink.python.PythonAnalysis;
import dev.shrink.report.Report;
import dev.shrink.run.Written;
import dev.shrink.transport.ImageReference;
import dev.shrink.transport.TransportOptions;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * How copy, minify and build tell what they did: results on stdout (the size table and the line
 * naming DEST, or with --json one JSON object), progress and warnings on stderr (progress not with
 * --quiet), and --digestfile as skopeo has it.
 */
final class Results {
  @Option(names = {"-q", "--quiet"}, description = "Print no progress and no size table: only warnings, errors and verdicts.")
  boolean quiet;

  @Option(names = "--json", description = "Print the result on stdout as one JSON object (DEST, its manifest digest, sizes, layers, "
      + "warnings) instead of the size table.")
  boolean json;

  @Option(names = "--digestfile", paramLabel = "FILE", description = "Write the digest of the manifest written to DEST to FILE (as skopeo "
      + "copy --digestfile).")
  Path digestFile;

  @Option(names = "--timings", description = "At the end, print on stderr the table of phases (engine save, unpack, analysis, "
      + "bytecode compile, layer write, engine load or push, verify): wall seconds and MB of each.")
  boolean timings;

  private static final PrintStream NOWHERE = new PrintStream(OutputStream.nullOutputStream(), true, StandardCharsets.UTF_8);

  /** Where progress goes: stderr, or nowhere with --quiet or --json. */
  PrintStream progress() {
    return quiet || json ? NOWHERE : System.err;
  }

  /**
   * Shows the phases of the command from now until the returned Runnable runs, on stderr (a live line on a
   * terminal, else a line per phase; nothing with --quiet or --json); the Runnable ends them and prints their table with --timings.
   */
  Runnable phases() {
    PhaseLog log = new PhaseLog(System.err, !quiet && !json, PhaseLog.stderrIsTerminal());
    return () -> {
      log.close();
      if (timings) {
        log.table(System.err);
      }
    };
  }

  /** Where verification and repair lines go: stdout, or stderr with --json (stdout holds only the JSON object; its exitCode is the verdict). */
  PrintStream verdicts() {
    return json ? System.err : System.out;
  }

  /** Where the human result (size table, "Wrote DEST") goes: stdout, or nowhere with --quiet or --json. */
  PrintStream table() {
    return quiet || json ? NOWHERE : System.out;
  }

  /**
   * The problems of a minify or build on stderr: an import the app's own code makes that cannot be
   * found is an error line; imports of library code that cannot be found (mostly optional, in code
   * the app does not reach) are one line with their count, the full list being in the report.
   */
  static void problems(List<String> problems, PrintStream err) {
    List<String> library = new ArrayList<>();
    for (String p : problems) {
      if (p.startsWith(PythonAnalysis.APP_IMPORT_MISSING)) {
        err.println("error: " + p);
      } else if (p.startsWith(PythonAnalysis.NO_MODULE)) {
        library.add(p.substring(PythonAnalysis.NO_MODULE.length(), p.indexOf(' ', PythonAnalysis.NO_MODULE.length())));
      } else {
        err.println("warning: " + p);
      }
    }
    if (!library.isEmpty()) {
      List<String> names = library.stream().distinct().toList();
      err.println("warning: " + library.size() + " imports in library code name modules that are not there (" + String.join(", ",
          names.subList(0, Math.min(5, names.size()))) + (names.size() > 5 ? ", ..." : "") + "); such imports are mostly optional or in code "
          + "the app does not reach: the list is in the report's problems (--report)");
    }
  }

  /** True when --json or --digestfile needs the digest of DEST's manifest. */
  boolean wantsDigest() {
    return json || digestFile != null;
  }

  /** The digest of DEST's manifest as written there, read back (only when {@link #wantsDigest()}). */
  String digest(ImageReference destination, TransportOptions options) throws IOException {
    return wantsDigest() ? Written.digest(destination, options) : null;
  }

  /** Writes --digestfile (whole or not at all) and, with --json, prints the summary on stdout. */
  void finish(String digest, ObjectNode summary) throws IOException {
    if (digestFile != null) {
      Path abs = digestFile.toAbsolutePath();
      Path tmp = Files.createTempFile(abs.getParent(), "." + abs.getFileName() + ".", ".partial");
      try {
        Files.writeString(tmp, digest);
        Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      } finally {
        Files.deleteIfExists(tmp);
      }
    }
    if (json) {
      summary.put("digest", digest);
      System.out.println(Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(summary));
    }
  }

  /** The summary of a minify or build: DEST, sizes (before them, SRC's for minify), layers, problems, exit code; keys as inspect --json names them. */
  static ObjectNode summary(ImageReference destination, Report r, boolean withBefore, int exit) {
    ObjectNode s = Json.object();
    s.put("destination", destination.toString());
    s.put("exitCode", exit);
    if (withBefore) {
      sizes(s.putObject("before"), r.before());
    }
    sizes(s.putObject("after"), r.after().sizes());
    ArrayNode layers = s.putArray("layers");
    for (Report.Layer l : r.after().layers()) {
      ObjectNode o = layers.addObject();
      o.put("name", l.name());
      o.put("digest", l.digest());
      o.put("size", l.compressed());
      o.put("uncompressedSize", l.uncompressed());
      o.put("fileCount", l.files());
    }
    ArrayNode problems = s.putArray("problems");
    r.problems().forEach(problems::add);
    return s;
  }

  private static void sizes(ObjectNode o, Report.Sizes sizes) {
    o.put("compressedSize", sizes.compressedLayers());
    o.put("fileCount", sizes.files());
    o.put("fileBytes", sizes.fileBytes());
  }
}

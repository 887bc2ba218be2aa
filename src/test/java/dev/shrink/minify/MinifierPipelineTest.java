package dev.shrink.minify;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shrink.closure.Analyser;
import dev.shrink.fs.RootFs;
import dev.shrink.image.ImageConfig;
import dev.shrink.image.ManifestFormat;
import dev.shrink.layer.Compression;
import dev.shrink.report.Report;
import dev.shrink.report.ReportJson;
import dev.shrink.testing.Cli;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * The whole minify pipeline without an engine: {@link Minifier} on a root the test makes from the
 * host's Debian python3.11 ({@link SyntheticRoot#python}) and a small app, checking which files
 * are kept, why, and which are left out.
 */
class MinifierPipelineTest {
  private static final String STDLIB = SyntheticRoot.STDLIB;
  private static final String LIBDIR = SyntheticRoot.LIBDIR;
  private static final String DIST = "/usr/lib/python3/dist-packages";

  @TempDir static Path dir;
  static RootFs root;

  @BeforeAll
  static void makeRoot() throws IOException {
    root = SyntheticRoot.python(dir.resolve("root"));
    write("/app/app.py", """
        import json
        import subprocess
        import tinydist
        print(json.dumps(open("/etc/app.conf").read()))
        """);
    write(DIST + "/tinydist/__init__.py", "from . import core\n");
    write(DIST + "/tinydist/core.py", "");
    write(DIST + "/Tiny_Dist-1.0.egg-info/top_level.txt", "tinydist\n");
    write(DIST + "/Tiny_Dist-1.0.egg-info/PKG-INFO", "Metadata-Version: 2.1\nName: Tiny-Dist\nVersion: 1.0\n");
    write("/app/data.txt", "read by the app");
    write("/etc/app.conf", "named by a literal");
    write("/app/notes.txt", "in the app directory, excluded");
    write("/etc/unused.conf", "named by nothing");
    write("/usr/share/doc/python3/README", "documentation");
  }

  static void write(String path, String text) throws IOException {
    SyntheticRoot.write(root, path, text);
  }

  static Minifier.Result minify(Path work) throws IOException {
    ImageConfig config = ImageConfig.parse("""
        {"config": {"Entrypoint": ["/usr/bin/python3", "app.py"], "WorkingDir": "/app",
                    "Env": ["PATH=/usr/bin:/bin", "LANG=C.UTF-8"]}}""".getBytes(StandardCharsets.UTF_8), "config");
    Minifier.Options options = Minifier.Options.builder().paths(new Minifier.PathRules(List.of(), List.of("/app/notes*")))
        .output(new Minifier.Output(Compression.GZIP, 1, false, true)).build();
    return Minifier.minify(root, config, "synthetic", null, work, options);
  }

  /** The kept files of the report with the analysers that kept each. */
  static Map<String, List<String>> kept(Minifier.Result r) {
    Map<String, List<String>> out = new LinkedHashMap<>();
    for (JsonNode f : ReportJson.tree(r.report()).path("files")) {
      List<String> analysers = new ArrayList<>();
      f.path("reasons").forEach(x -> analysers.add(x.path("analyser").asString() + ": " + x.path("reason").asString()));
      out.put(f.path("path").asString(), analysers);
    }
    return out;
  }

  @Test
  void keepsWhatTheCommandNeedsWithItsReasonsAndNothingElse(@TempDir Path work) throws IOException {
    Minifier.Result r = minify(work);
    Map<String, List<String>> kept = kept(r);

    assertThat(kept.get("/usr/bin/python3")).anyMatch(s -> s.startsWith("entrypoint: "));
    assertThat(kept.get("/usr/bin/python3.11")).isNotEmpty();
    assertThat(kept.get(LIBDIR + "/libc.so.6")).anyMatch(s -> s.startsWith("elf: "));
    assertThat(kept).containsKeys("/app/app.py", "/app/data.txt", "/etc/passwd", "/etc/group", "/tmp");
    assertThat(kept.get("/app/data.txt")).containsExactly("app: application directory (WORKDIR /app)");
    assertThat(kept.get("/etc/app.conf")).contains("python: path literal '/etc/app.conf' in /app/app.py");
    assertThat(kept.keySet()).anyMatch(p -> p.startsWith(STDLIB + "/json/"));
    assertThat(kept.keySet().stream().filter(p -> p.startsWith(STDLIB + "/encodings/utf_8.py")))
        .as("the codec of LANG=C.UTF-8, by the Python analysis").isNotEmpty();
    assertThat(kept.keySet()).noneMatch(p -> p.startsWith("/usr/share/doc/") || p.equals("/etc/unused.conf") || p.equals("/app/notes.txt") || p.equals(STDLIB + "/smtplib.py"));

    assertThat(r.python()).isNotNull();
    assertThat(r.python().version()).isEqualTo("3.11");
    assertThat(r.image().layers()).isNotEmpty();
  }

  /** The reasons of a kept path, as the report gives them (a source with no engine to compile it stays a source). */
  static List<Report.Reason> reasons(Minifier.Result r, String path) {
    return r.report().files().stream().filter(f -> f.path().equals(path)).findFirst().orElseThrow().reasons();
  }

  @Test
  void eachReasonNamesTheKeptFileWhoseAnalysisAskedForIt(@TempDir Path work) throws IOException {
    Minifier.Result r = minify(work);
    Set<String> kept = r.report().files().stream().map(Report.KeptFile::path).collect(Collectors.toSet());

    assertThat(reasons(r, STDLIB + "/json/__init__.py")).anySatisfy(x -> {
      assertThat(x.analyser()).isEqualTo(Analyser.PYTHON);
      assertThat(x.from()).as("the importing module").isEqualTo("/app/app.py");
    });
    assertThat(reasons(r, STDLIB + "/json/decoder.py")).extracting(Report.Reason::from).contains(STDLIB + "/json/__init__.py");
    assertThat(reasons(r, LIBDIR + "/libc.so.6")).anySatisfy(x -> {
      assertThat(x.reason()).startsWith("NEEDED libc.so.6 by ");
      assertThat(x.from()).isEqualTo("/usr/bin/python3.11");
    });
    assertThat(reasons(r, "/usr/bin/python3.11")).anySatisfy(x -> assertThat(x.from()).isNull());
    assertThat(reasons(r, "/usr/bin/python3")).allSatisfy(x -> assertThat(x.from()).isNotEqualTo("/usr/bin/python3"));
    assertThat(reasons(r, "/etc/passwd")).allSatisfy(x -> assertThat(x.from()).isNull());
    assertThat(r.report().files()).flatExtracting(Report.KeptFile::reasons).extracting(Report.Reason::from).filteredOn(f -> f != null)
        .as("every from names a path the report lists").allSatisfy(f -> assertThat(kept).contains(f));
  }

  @Test
  void whyTellsTheChainOfAKeptFileFromTheReport(@TempDir Path work) throws IOException {
    Path file = work.resolve("report.json");
    ReportJson.write(minify(work.resolve("out")).report(), file);

    Cli.Run imported = Cli.run("why", file.toString(), STDLIB + "/json/decoder.py");
    assertThat(imported.exit()).isZero();
    assertThat(imported.out().lines()).containsExactly(
        "app        /app/app.py  (application directory (WORKDIR /app))",
        "python     " + STDLIB + "/json/__init__.py  (import json (/app/app.py:1))",
        "python     " + STDLIB + "/json/decoder.py  (from .decoder import JSONDecoder, JSONDecodeError (" + STDLIB + "/json/__init__.py:106))");

    Cli.Run needed = Cli.run("why", file.toString(), LIBDIR + "/libm.so.6");
    assertThat(needed.exit()).isZero();
    assertThat(needed.out().lines()).last().asString().startsWith("elf        " + LIBDIR + "/libm.so.6  (NEEDED libm.so.6 by ");
    assertThat(needed.out().lines()).first().asString().startsWith("entrypoint /usr/bin/python3.11  (");

    Cli.Run knowledge = Cli.run("why", file.toString(), STDLIB + "/encodings/latin_1.py");
    assertThat(knowledge.exit()).isZero();
    assertThat(knowledge.out().lines()).last().asString().startsWith("knowledge  " + STDLIB + "/encodings/latin_1.py  (encodings: ");
    assertThat(knowledge.out().lines()).first().asString().startsWith("python     " + STDLIB + "/encodings/__init__.py  (interpreter start-up");

    Cli.Run distribution = Cli.run("why", file.toString(), "tiny-dist");
    assertThat(distribution.exit()).isZero();
    assertThat(distribution.out().lines()).startsWith(
        "Tiny_Dist: 4 files kept (79 B); 1 hop into it from outside it",
        "python     " + DIST + "/tinydist/__init__.py  (import tinydist (/app/app.py:3))",
        "why /app/app.py:",
        "  app        /app/app.py  (application directory (WORKDIR /app))");
    assertThat(Cli.run("why", file.toString(), "flask").exit()).isEqualTo(1);

    Cli.Run unused = Cli.run("why", file.toString(), "/etc/unused.conf");
    assertThat(unused.exit()).isEqualTo(1);
    assertThat(unused.out()).isEqualTo("/etc/unused.conf is not kept\n");
  }

  @Test
  void theSameInputGivesTheSameBytes(@TempDir Path a, @TempDir Path b) throws IOException {
    assertThat(minify(a).image().manifestBytes(ManifestFormat.OCI)).isEqualTo(minify(b).image().manifestBytes(ManifestFormat.OCI));
  }

  /** Each kept file and link names the output layer it is in (the HTML report's treemap groups by it). */
  @Test
  void eachKeptFileNamesItsLayer(@TempDir Path work) throws IOException {
    Map<String, Report.KeptFile> files = new LinkedHashMap<>();
    minify(work).report().files().forEach(f -> files.put(f.path(), f));
    assertThat(files.get("/app/app.py").layer()).isEqualTo("app");
    assertThat(files.get("/usr/bin/python3.11").layer()).isEqualTo("runtime");
    assertThat(files.get("/usr/bin/python3").layer()).as("a symlink").isEqualTo("runtime");
    assertThat(files.values()).filteredOn(f -> f.type() != Report.Type.DIRECTORY).allMatch(f -> f.layer() != null);
  }
}

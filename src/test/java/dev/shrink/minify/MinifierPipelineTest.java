package dev.shrink.minify;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shrink.elf.ElfFile;
import dev.shrink.fs.RootFs;
import dev.shrink.image.ImageConfig;
import dev.shrink.image.ManifestFormat;
import dev.shrink.layer.Compression;
import dev.shrink.report.Report;
import dev.shrink.report.ReportJson;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * The whole minify pipeline without an engine: {@link Minifier} on a root the test makes from the
 * host's Debian python3.11 (the interpreter, its libraries, part of its standard library) and a
 * small app, checking which files are kept, why, and which are left out.
 */
class MinifierPipelineTest {
  private static final String STDLIB = "/usr/lib/python3.11";
  private static final List<String> PACKAGES = List.of("encodings", "json", "collections", "importlib", "re");
  private static final String LIBDIR = "/lib/x86_64-linux-gnu";

  @TempDir static Path dir;
  static RootFs root;

  @BeforeAll
  static void makeRoot() throws IOException {
    root = new RootFs(Files.createDirectories(dir.resolve("root")));
    Files.createDirectories(root.host("/tmp")); // every image has it (the report reads the synthetic /tmp's type from the root)
    copy("/usr/bin/python3.11");
    Files.createSymbolicLink(root.host("/usr/bin/python3"), Path.of("python3.11"));
    ElfFile python = ElfFile.parse(Path.of("/usr/bin/python3.11")).orElseThrow();
    copy(python.interpreter().orElseThrow());
    for (String lib : python.needed()) {
      copy(LIBDIR + "/" + lib);
    }
    copy("/etc/ld.so.conf");
    copyTree("/etc/ld.so.conf.d", false);
    copyTree(STDLIB, false);
    for (String p : PACKAGES) {
      copyTree(STDLIB + "/" + p, true);
    }
    write("/app/app.py", """
        import json
        import subprocess
        print(json.dumps(open("/etc/app.conf").read()))
        """);
    write("/app/data.txt", "read by the app");
    write("/etc/app.conf", "named by a literal");
    write("/app/notes.txt", "in the app directory, excluded");
    write("/etc/unused.conf", "named by nothing");
    write("/usr/share/doc/python3/README", "documentation");
  }

  static void copy(String path) throws IOException {
    Path to = root.host(path);
    Files.createDirectories(to.getParent());
    Files.copy(Path.of(path), to, StandardCopyOption.COPY_ATTRIBUTES);
  }

  /** The .py files of {@code path} (with its sub-directories when {@code deep}). */
  static void copyTree(String path, boolean deep) throws IOException {
    try (Stream<Path> s = deep ? Files.walk(Path.of(path)) : Files.list(Path.of(path))) {
      for (Path p : s.filter(Files::isRegularFile).filter(p -> p.toString().endsWith(".py") || p.toString().endsWith(".conf")).toList()) {
        copy(p.toString());
      }
    }
  }

  static void write(String path, String text) throws IOException {
    Path to = root.host(path);
    Files.createDirectories(to.getParent());
    Files.writeString(to, text, StandardCharsets.UTF_8);
  }

  static Minifier.Result minify(Path work) throws IOException {
    ImageConfig config = ImageConfig.parse("""
        {"config": {"Entrypoint": ["/usr/bin/python3", "app.py"], "WorkingDir": "/app",
                    "Env": ["PATH=/usr/bin:/bin", "LANG=C.UTF-8"]}}""".getBytes(StandardCharsets.UTF_8), "config");
    Minifier.Options options = new Minifier.Options(null, null, null, List.of(), List.of("/app/notes*"), false,
        new Minifier.Output(Compression.GZIP, 1, false, true));
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

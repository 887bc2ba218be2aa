package dev.shrink.cli;

import dev.shrink.json.Json;
import dev.shrink.layer.LayerWriter;
import dev.shrink.sbom.Contents;
import dev.shrink.sbom.Sbom;
import dev.shrink.sbom.Subject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/** {@code --sbom FORMAT=FILE} of minify and build: SBOMs of what DEST holds, each written whole or not at all. */
final class SbomMixin {
  @Option(names = "--sbom", paramLabel = "FORMAT=FILE", description = "Also write an SBOM of what DEST holds (repeatable), as syft -o "
      + "names the formats: cyclonedx-json=FILE (CycloneDX 1.6) or spdx-json=FILE (SPDX 2.3).")
  List<String> values = List.of();

  /** The SBOMs asked for, by file; a usage error for a value that is not FORMAT=FILE. */
  Map<Path, Sbom> targets(CommandLine.Model.CommandSpec spec) {
    Map<Path, Sbom> out = new LinkedHashMap<>();
    for (String v : values) {
      int eq = v.indexOf('=');
      try {
        if (eq <= 0 || eq == v.length() - 1) {
          throw new IllegalArgumentException("give FORMAT=FILE, e.g. cyclonedx-json=sbom.json");
        }
        out.put(Path.of(v.substring(eq + 1)), Sbom.of(v.substring(0, eq)));
      } catch (IllegalArgumentException e) {
        throw new CommandLine.ParameterException(spec.commandLine(), "--sbom " + v + ": " + e.getMessage());
      }
    }
    return out;
  }

  /** Writes each SBOM asked for, of {@code contents}, describing the image {@code name} with the manifest digest {@code digest}. */
  void write(CommandLine.Model.CommandSpec spec, Contents contents, String name, String digest) throws IOException {
    String version = new Main.Version().getVersion()[0].replaceFirst("^shrink ", "");
    Subject subject = new Subject(name, digest, LayerWriter.sourceDateEpoch(), version);
    for (Map.Entry<Path, Sbom> t : targets(spec).entrySet()) {
      Path file = t.getKey().toAbsolutePath();
      Path tmp = Files.createTempFile(file.getParent(), "." + file.getFileName() + ".", ".partial");
      try {
        Files.write(tmp, Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(t.getValue().write(contents, subject)));
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      } finally {
        Files.deleteIfExists(tmp);
      }
    }
  }

  boolean any() {
    return !values.isEmpty();
  }
}

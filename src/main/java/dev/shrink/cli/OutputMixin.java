package dev.shrink.cli;

import dev.shrink.image.ManifestFormat;
import dev.shrink.layer.Compression;
import dev.shrink.minify.Minifier;
import dev.shrink.report.Report;
import java.io.PrintStream;
import java.util.Locale;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/** How minify and build write their layers: compression and level, --strip, --stdlib-zip; and how the layers are shown. */
final class OutputMixin {
  @Option(names = "--compression", paramLabel = "gzip|zstd", defaultValue = "gzip", converter = CompressionConverter.class,
      description = "Layer compression (default: ${DEFAULT-VALUE}). zstd layers are smaller and need an OCI manifest (not --format docker) "
          + "and an engine that pulls them (podman 4, Docker 23+, containerd 1.5+).")
  Compression compression;

  @Option(names = "--compression-level", paramLabel = "N",
      description = "Compression level: gzip 0-12 (0-9 zlib's, default 7; 10-12 shrink's near-optimal encoder, about 5%% smaller and several "
          + "times slower; both on every core), "
          + "zstd 1-22 (default 19, on every core; 3 is several times faster and about 15%% larger).")
  Integer level;

  @Option(names = "--strip", negatable = true, defaultValue = "true", fallbackValue = "true",
      description = "Remove symbol tables and debug sections from ELF files that still carry them (never anything the loader maps); "
      + "on by default, --no-strip keeps them.")
  boolean strip;

  @Option(names = "--stdlib-zip", negatable = true, defaultValue = "false", fallbackValue = "true",
      description = "Put the standard library's bytecode into the interpreter's pythonXY.zip, which CPython imports from in memory: "
      + "3-4 MB less on disk, about as much to pull with gzip (8%% more with zstd), and a slower start (every module imported from it "
      + "is inflated at each start: Falcon 1.24x the fat image's). Off by default: loose bytecode starts as fast as the fat image.")
  boolean stdlibZip;

  /** The layer settings; refuses a level out of range and zstd with a Docker v2 manifest. */
  Minifier.Output output(CommandLine.Model.CommandSpec spec, ManifestFormat format) {
    if (compression == Compression.ZSTD && format == ManifestFormat.DOCKER) {
      throw new CommandLine.ParameterException(spec.commandLine(),
          "--compression zstd needs an OCI manifest: Docker v2 schema 2 has no zstd layer type (drop --format docker)");
    }
    try {
      return new Minifier.Output(compression, compression.level(level), strip, stdlibZip);
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--compression-level " + level + ": " + e.getMessage());
    }
  }

  /** One line per layer of the output: its part, compressed and uncompressed size, files. */
  static void printLayers(Report report, PrintStream out) {
    for (Report.Layer l : report.after().layers()) {
      out.printf("  %-13s %10s %14s %8d  %s%n", l.name(), Sizes.human(l.compressed()), Sizes.human(l.uncompressed()), l.files(),
          l.digest().substring(0, 19));
    }
  }

  static final class CompressionConverter implements CommandLine.ITypeConverter<Compression> {
    @Override
    public Compression convert(String value) {
      return switch (value.toLowerCase(Locale.ROOT)) {
        case "gzip" -> Compression.GZIP;
        case "zstd" -> Compression.ZSTD;
        default -> throw new CommandLine.TypeConversionException("'" + value + "' is not gzip or zstd");
      };
    }
  }
}

package dev.shrink.cli;

import dev.shrink.image.ManifestFormat;
import dev.shrink.image.Platform;
import dev.shrink.transport.ImageReference;
import dev.shrink.transport.TransportOptions;
import java.nio.file.Path;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/** Options every command that reads or writes images shares, named as skopeo names them. */
final class TransportMixin {
  @Option(names = "--platform", paramLabel = "OS/ARCH[/VARIANT]", description = "Image to pick from a multi-platform index (default: ${DEFAULT-VALUE}).",
      defaultValue = "linux/amd64", converter = PlatformConverter.class)
  Platform platform = Platform.LINUX_AMD64;

  @Option(names = "--format", paramLabel = "oci|docker", description = "Manifest format to write (default: ${DEFAULT-VALUE}).",
      defaultValue = "oci", converter = FormatConverter.class)
  ManifestFormat format = ManifestFormat.OCI;

  @Option(names = "--creds", paramLabel = "USER:PASSWORD", description = "Registry credentials for source and destination.")
  String creds;

  @Option(names = "--src-creds", paramLabel = "USER:PASSWORD", description = "Registry credentials for the source.")
  String srcCreds;

  @Option(names = "--dest-creds", paramLabel = "USER:PASSWORD", description = "Registry credentials for the destination.")
  String destCreds;

  @Option(names = "--tls-verify", paramLabel = "BOOL", arity = "0..1", fallbackValue = "true", defaultValue = "true",
      description = "Require HTTPS and verified certificates for registries; false allows plain HTTP (default: ${DEFAULT-VALUE}).")
  boolean tlsVerify;

  @Option(names = "--authfile", paramLabel = "FILE", description = "Docker config.json with registry credentials (default: ~/.docker/config.json).")
  Path authFile;

  @Option(names = "--tmpdir", paramLabel = "DIR", description = "Directory for temporary files (default: the system's).")
  Path tmpDir;

  /**
   * Drops the options a command has no use for, so that its --help lists only its own: without
   * an image to read (SRC, ORIGINAL) --src-creds, --platform and --probe-script (a build's program
   * runs on this machine, not in a container); without a DEST --dest-creds and --format.
   */
  static void fit(CommandLine command) {
    CommandLine.Model.CommandSpec c = command.getCommandSpec();
    java.util.Set<String> labels = c.positionalParameters().stream().map(CommandLine.Model.PositionalParamSpec::paramLabel)
        .collect(java.util.stream.Collectors.toSet());
    java.util.List<String> unused = new java.util.ArrayList<>();
    if (!labels.contains("SRC") && !labels.contains("ORIGINAL")) {
      unused.addAll(java.util.List.of("--src-creds", "--platform", "--probe-script"));
    }
    if (!labels.contains("DEST")) {
      unused.addAll(java.util.List.of("--dest-creds", "--format"));
    }
    unused.stream().map(c::findOption).filter(java.util.Objects::nonNull).forEach(c::remove);
  }

  TransportOptions source() {
    return base().creds(srcCreds != null ? srcCreds : creds).build();
  }

  /** Where minify and build write: an existing archive file is replaced, as before copy's --overwrite. */
  TransportOptions destination() {
    return base().creds(destCreds != null ? destCreds : creds).overwrite(true).build();
  }

  @CommandLine.Spec(CommandLine.Spec.Target.MIXEE)
  CommandLine.Model.CommandSpec spec;

  /** The options; a --tmpdir that is not a directory is a usage error (shrink makes no directory of it). */
  private TransportOptions.Builder base() {
    TransportOptions.Builder o = TransportOptions.builder().platform(platform).format(format).tlsVerify(tlsVerify).authFile(authFile);
    if (tmpDir != null && !java.nio.file.Files.isDirectory(tmpDir)) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--tmpdir " + tmpDir + ": "
          + (java.nio.file.Files.exists(tmpDir) ? "not a directory" : "no such directory") + " (give an existing one)");
    }
    return tmpDir == null ? o : o.tempDir(tmpDir);
  }

  static final class PlatformConverter implements CommandLine.ITypeConverter<Platform> {
    @Override
    public Platform convert(String value) {
      return Platform.parse(value);
    }
  }

  static final class FormatConverter implements CommandLine.ITypeConverter<ManifestFormat> {
    @Override
    public ManifestFormat convert(String value) {
      return ManifestFormat.parse(value);
    }
  }

  static final class ReferenceConverter implements CommandLine.ITypeConverter<ImageReference> {
    @Override
    public ImageReference convert(String value) {
      try {
        return ImageReference.parse(value);
      } catch (IllegalArgumentException e) {
        throw new CommandLine.TypeConversionException(e.getMessage());
      }
    }
  }
}

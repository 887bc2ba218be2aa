package dev.shrink.transport;

import dev.shrink.image.ManifestFormat;
import dev.shrink.image.Platform;
import java.nio.file.Path;

/**
 * What a transport needs to know besides the reference.
 *
 * @param platform the platform to pick from an index or manifest list
 * @param format the manifest format to write
 * @param creds {@code user:password} for a registry, or null to look them up
 * @param tlsVerify false to talk plain HTTP or accept any certificate (local registries)
 * @param authFile a docker config.json to read credentials from, or null for the default
 * @param tempDir where temporary files go
 * @param overwrite true to let a write replace an existing archive file (otherwise refused)
 */
public record TransportOptions(Platform platform, ManifestFormat format, String creds, boolean tlsVerify, Path authFile, Path tempDir,
    boolean overwrite) {
  public static TransportOptions defaults() {
    return new TransportOptions(Platform.LINUX_AMD64, ManifestFormat.OCI, null, true, null,
        Path.of(System.getProperty("java.io.tmpdir")), false);
  }

  public TransportOptions withOverwrite(boolean value) {
    return new TransportOptions(platform, format, creds, tlsVerify, authFile, tempDir, value);
  }

  public TransportOptions withCreds(String value) {
    return new TransportOptions(platform, format, value, tlsVerify, authFile, tempDir, overwrite);
  }

  public TransportOptions withTlsVerify(boolean value) {
    return new TransportOptions(platform, format, creds, value, authFile, tempDir, overwrite);
  }

  public TransportOptions withPlatform(Platform value) {
    return new TransportOptions(value, format, creds, tlsVerify, authFile, tempDir, overwrite);
  }

  public TransportOptions withFormat(ManifestFormat value) {
    return new TransportOptions(platform, value, creds, tlsVerify, authFile, tempDir, overwrite);
  }

  public TransportOptions withAuthFile(Path value) {
    return new TransportOptions(platform, format, creds, tlsVerify, value, tempDir, overwrite);
  }

  public TransportOptions withTempDir(Path value) {
    return new TransportOptions(platform, format, creds, tlsVerify, authFile, value, overwrite);
  }
}

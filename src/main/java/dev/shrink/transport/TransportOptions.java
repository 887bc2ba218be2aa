package dev.shrink.transport;

import dev.shrink.image.ManifestFormat;
import dev.shrink.image.Platform;
import java.nio.file.Path;
import java.util.Objects;

/**
 * What a transport needs to know besides the reference, by concern; made with {@link #builder()}.
 *
 * @param platform the platform to pick from an index or manifest list
 * @param format the manifest format to write
 * @param registry how a registry is reached
 * @param tempDir where temporary files go
 * @param overwrite true to let a write replace an existing archive file (otherwise refused)
 */
public record TransportOptions(Platform platform, ManifestFormat format, Registry registry, Path tempDir, boolean overwrite) {
  /**
   * How a registry is reached.
   *
   * @param creds {@code user:password}, or null to look them up
   * @param tlsVerify false to talk plain HTTP or accept any certificate (local registries)
   * @param authFile a docker config.json to read credentials from, or null for the default
   */
  public record Registry(String creds, boolean tlsVerify, Path authFile) {}

  public TransportOptions {
    Objects.requireNonNull(platform);
    Objects.requireNonNull(format);
    Objects.requireNonNull(registry);
    Objects.requireNonNull(tempDir);
  }

  /** linux/amd64, OCI manifests, credentials looked up, TLS verified, java.io.tmpdir, no overwrite. */
  public static TransportOptions defaults() {
    return builder().build();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** A builder holding these options, to change some. */
  public Builder toBuilder() {
    return builder().platform(platform).format(format).creds(registry.creds()).tlsVerify(registry.tlsVerify()).authFile(registry.authFile())
        .tempDir(tempDir).overwrite(overwrite);
  }

  /** Named setters for {@link TransportOptions}, starting from {@link #defaults()}. */
  public static final class Builder {
    private Platform platform = Platform.LINUX_AMD64;
    private ManifestFormat format = ManifestFormat.OCI;
    private String creds;
    private boolean tlsVerify = true;
    private Path authFile;
    private Path tempDir = Path.of(System.getProperty("java.io.tmpdir"));
    private boolean overwrite;

    private Builder() {}

    public Builder platform(Platform value) {
      platform = value;
      return this;
    }

    public Builder format(ManifestFormat value) {
      format = value;
      return this;
    }

    public Builder creds(String value) {
      creds = value;
      return this;
    }

    public Builder tlsVerify(boolean value) {
      tlsVerify = value;
      return this;
    }

    public Builder authFile(Path value) {
      authFile = value;
      return this;
    }

    public Builder tempDir(Path value) {
      tempDir = value;
      return this;
    }

    public Builder overwrite(boolean value) {
      overwrite = value;
      return this;
    }

    public TransportOptions build() {
      return new TransportOptions(platform, format, new Registry(creds, tlsVerify, authFile), tempDir, overwrite);
    }
  }
}

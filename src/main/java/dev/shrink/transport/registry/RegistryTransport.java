package dev.shrink.transport.registry;

import dev.shrink.image.Descriptor;
import dev.shrink.image.Digest;
import dev.shrink.image.Image;
import dev.shrink.image.ImageException;
import dev.shrink.image.Index;
import dev.shrink.image.Manifest;
import dev.shrink.image.ManifestFormat;
import dev.shrink.image.MediaTypes;
import dev.shrink.image.Platform;
import dev.shrink.layer.LayerCompression;
import dev.shrink.progress.Phase;
import dev.shrink.progress.Phases;
import dev.shrink.transport.Transport;
import dev.shrink.transport.TransportOptions;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * {@code docker://HOST/REPO:TAG} and {@code docker://HOST/REPO@sha256:...}: images in a registry
 * (OCI distribution API). Reads OCI and Docker v2 manifests, picking the platform from an index
 * or manifest list, and streams blobs lazily, each checked against its digest. Writes blobs the
 * registry does not have yet, then the config, then the manifest in its exact bytes.
 */
public final class RegistryTransport implements Transport {
  private final Map<String, String> env;
  private final RegistryClient.RetryPolicy retry;

  public RegistryTransport() {
    this(System.getenv(), RegistryClient.RetryPolicy.DEFAULT);
  }

  /** For tests: another environment (credential files, PATH for helpers) and retry pace. */
  RegistryTransport(Map<String, String> env, RegistryClient.RetryPolicy retry) {
    this.env = Map.copyOf(env);
    this.retry = retry;
  }

  @Override
  public String name() {
    return "docker";
  }

  RegistryClient client(String spec, RegistryRef ref, TransportOptions options, boolean push) {
    CredentialStore store = new CredentialStore(env, options.registry().authFile());
    Supplier<Credentials> credentials = () -> options.registry().creds() != null
        ? Credentials.parseUserPass(options.registry().creds(), "--creds")
        : store.find(ref.host(), ref.repository());
    return new RegistryClient("docker://" + spec, ref, !options.registry().tlsVerify(), push, credentials, retry);
  }

  @Override
  public Image read(String spec, TransportOptions options) throws IOException {
    RegistryRef ref = RegistryRef.parse(spec);
    String name = "docker://" + spec;
    RegistryClient client = client(spec, ref, options, false);
    try {
      RegistryClient.FetchedManifest fetched = client.getManifest(ref.reference());
      checkDigest(name, ref.reference(), fetched);
      byte[] bytes = fetched.bytes();
      Platform platform = options.platform() == null ? Platform.LINUX_AMD64 : options.platform();
      for (int depth = 0; isIndex(fetched, name); depth++) {
        if (depth == Index.MAX_DEPTH) {
          throw new ImageException(name + ": indexes nest deeper than " + Index.MAX_DEPTH + " levels");
        }
        Descriptor chosen = Index.parse(bytes, name + " index").select(platform, name);
        fetched = client.getManifest(chosen.digest());
        checkDigest(name, chosen.digest(), fetched);
        bytes = fetched.bytes();
      }
      Manifest manifest = Manifest.parse(bytes, name + " manifest");
      byte[] config = client.getBlob(manifest.config().digest(), dev.shrink.image.ImageConfig.MAX_BYTES);
      String configDigest = Digest.of(config);
      if (!configDigest.equals(manifest.config().digest())) {
        throw new ImageException(name + ": config blob " + manifest.config().digest() + " does not match its digest: its content is " + configDigest);
      }
      return Image.of(name, manifest, bytes, config,
          client::openBlob, null);
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
  }

  private static boolean isIndex(RegistryClient.FetchedManifest m, String name) {
    if (MediaTypes.isIndex(m.mediaType())) {
      return true;
    }
    if (MediaTypes.isManifest(m.mediaType())) {
      return false;
    }
    return Index.isIndex(m.bytes(), name + " manifest");
  }

  /** A manifest asked for by digest must have it; one asked for by tag must have the digest the registry reports. */
  private static void checkDigest(String name, String reference, RegistryClient.FetchedManifest m) {
    String actual = Digest.of(m.bytes());
    if (Digest.isValid(reference) && !actual.equals(reference)) {
      throw new ImageException(name + ": the registry's manifest " + reference + " does not match its digest: its content is " + actual);
    }
    if (m.digestHeader() != null && Digest.isValid(m.digestHeader()) && !actual.equals(m.digestHeader())) {
      throw new ImageException(name + ": the registry says manifest " + reference + " is " + m.digestHeader() + ", but its content is " + actual);
    }
  }

  @Override
  public void write(Image source, String spec, TransportOptions options) throws IOException {
    RegistryRef ref = RegistryRef.parse(spec);
    ManifestFormat format = options.format() == null ? ManifestFormat.OCI : options.format();
    try {
      LayerCompression.withGzipLayers(source, options.tempDir(), image -> {
        try (Phase phase = Phases.open("push", image.layers().stream().mapToLong(Descriptor::size).sum())) {
          push(image.viewed(phase::counting), source, spec, ref, format, options);
          phase.done();
        }
      });
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
  }

  private void push(Image image, Image source, String spec, RegistryRef ref, ManifestFormat format, TransportOptions options) throws IOException {
    String name = "docker://" + spec;
    byte[] manifestBytes = image.manifestBytes(format);
    String digest = Digest.of(manifestBytes);
    if (ref.digest() != null && !ref.digest().equals(digest)) {
      throw new ImageException(name + ": the " + format.label() + " manifest of " + source.name() + " is " + digest
          + ", not the digest the reference names");
    }
    Manifest manifest = Manifest.parse(manifestBytes, name + " manifest");
    RegistryClient client = client(spec, ref, options, true);
    for (Descriptor layer : manifest.layers()) {
      pushBlob(client, image, layer, () -> open(image, layer));
    }
    byte[] config = image.configBytes();
    pushBlob(client, image, manifest.config(), () -> new java.io.ByteArrayInputStream(config));
    Optional<String> reported = client.putManifest(ref.tag() != null ? ref.tag() : digest, manifestBytes, manifest.mediaType());
    if (reported.isPresent() && Digest.isValid(reported.get()) && !reported.get().equals(digest)) {
      throw new ImageException(name + ": the registry stored the manifest as " + reported.get() + ", not as " + digest);
    }
  }

  private static void pushBlob(RegistryClient client, Image image, Descriptor blob, Supplier<InputStream> content) {
    if (!client.hasBlob(blob.digest(), "pushing blob " + blob.digest())) {
      client.pushBlob(blob, content);
    }
  }

  private static InputStream open(Image image, Descriptor blob) {
    try {
      return image.open(blob);
    } catch (IOException e) {
      throw new UncheckedIOException(image.name() + ": cannot open blob " + blob.digest() + ": " + e.getMessage(), e);
    }
  }
}

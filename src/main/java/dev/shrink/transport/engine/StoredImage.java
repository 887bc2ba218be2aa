package dev.shrink.transport.engine;

import dev.shrink.engine.Engine;
import dev.shrink.image.Descriptor;
import dev.shrink.image.Digest;
import dev.shrink.image.Image;
import dev.shrink.image.ImageConfig;
import dev.shrink.image.Manifest;
import dev.shrink.image.MediaTypes;
import dev.shrink.json.Json;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * An image of podman's store read where the store keeps it (containers/storage, overlay driver),
 * as root, without {@code podman save}: podman only names the image ({@code podman image inspect}:
 * its ID, storage driver and top layer). The config is the image's own file in the store, whose
 * sha256 must be the image ID; the layers are the chain below the top layer, whose diff digests
 * and sizes must be the config's diff_ids, in order. The manifest is the one {@code podman save}
 * gives (uncompressed layers named by their diff_ids). Blobs are read through {@code saved}, run
 * once on first use. Anything not as expected: empty, and the caller saves the image instead.
 */
final class StoredImage {
  private static final long TIMEOUT_SECONDS = 120;
  private static final String DRIVER = "overlay";

  private StoredImage() {}

  /** A way to read the image through {@code podman save}. */
  @FunctionalInterface
  interface Saved {
    Image get() throws IOException;
  }

  /** Where the store keeps one image: its ID, the store's root and the ID of its top layer. */
  record Location(String id, Path root, String topLayer) {}

  /** The image podman names {@code spec}, from the store; empty when it cannot be read there exactly. */
  static Optional<Image> read(Engine podman, String spec, String name, Saved saved) throws IOException {
    Optional<Location> where = locate(podman, spec);
    if (where.isEmpty()) {
      return Optional.empty();
    }
    Location at = where.get();
    Optional<byte[]> config = config(at);
    if (config.isEmpty()) {
      return Optional.empty();
    }
    List<String> diffIds = ImageConfig.parse(config.get(), name + " config").diffIds();
    Optional<List<Descriptor>> layers = layers(at, diffIds);
    if (layers.isEmpty()) {
      return Optional.empty();
    }
    Manifest manifest = new Manifest(MediaTypes.OCI_MANIFEST, new Descriptor(MediaTypes.OCI_CONFIG, "sha256:" + at.id(), config.get().length),
        layers.get(), Map.of());
    Fallback fallback = new Fallback(saved, manifest, name);
    return Optional.of(Image.of(name, manifest, null, config.get(), fallback::open, fallback));
  }

  /** Asks podman where the image is; empty when not root, not found, or not on the overlay driver. */
  static Optional<Location> locate(Engine podman, String spec) throws IOException {
    if (!"root".equals(System.getProperty("user.name"))) {
      return Optional.empty(); // the store is root's; a rootless store's files belong to other uids
    }
    Engine.Result r = podman.run(TIMEOUT_SECONDS, "image", "inspect", "--format",
        "{{.Id}} {{.GraphDriver.Name}} {{.GraphDriver.Data.UpperDir}}", spec);
    String[] f = r.stdout().strip().split(" ");
    if (!r.ok() || f.length != 3 || !f[0].matches("[0-9a-f]{64}") || !f[1].equals(DRIVER)) {
      return Optional.empty();
    }
    Path upper = Path.of(f[2]); // ROOT/overlay/TOPLAYER/diff
    if (!upper.isAbsolute() || upper.getNameCount() < 4 || !upper.getFileName().toString().equals("diff")
        || !upper.getParent().getParent().getFileName().toString().equals(DRIVER)) {
      return Optional.empty();
    }
    return Optional.of(new Location(f[0], upper.getParent().getParent().getParent(), upper.getParent().getFileName().toString()));
  }

  /**
   * The image's config as the store keeps it: a file of the image's directory named after its key
   * {@code sha256:ID} (keys with characters other than digits, lower-case letters and dots are
   * stored as {@code =} and their base64), used only when its sha256 is the image ID.
   */
  private static Optional<byte[]> config(Location at) throws IOException {
    String key = "sha256:" + at.id();
    Path file = at.root().resolve(DRIVER + "-images").resolve(at.id())
        .resolve("=" + Base64.getEncoder().encodeToString(key.getBytes(StandardCharsets.US_ASCII)));
    if (!Files.isRegularFile(file) || Files.size(file) > ImageConfig.MAX_BYTES) {
      return Optional.empty();
    }
    byte[] bytes = Files.readAllBytes(file);
    return Digest.of(bytes).equals(key) ? Optional.of(bytes) : Optional.empty();
  }

  /**
   * The layers from the bottom up, each an uncompressed tar named by its diff digest and size as
   * the store records them (layers.json); empty unless the chain matches {@code diffIds} exactly.
   */
  private static Optional<List<Descriptor>> layers(Location at, List<String> diffIds) throws IOException {
    Path file = at.root().resolve(DRIVER + "-layers").resolve("layers.json");
    if (!Files.isRegularFile(file)) {
      return Optional.empty();
    }
    Map<String, JsonNode> byId = new HashMap<>();
    try {
      for (JsonNode layer : Json.MAPPER.readTree(Files.readAllBytes(file)).values()) {
        byId.put(layer.path("id").asString(""), layer);
      }
    } catch (JacksonException e) {
      return Optional.empty();
    }
    List<Descriptor> chain = new ArrayList<>();
    for (JsonNode l = byId.get(at.topLayer()); l != null && chain.size() <= diffIds.size(); l = byId.get(l.path("parent").asString(""))) {
      long size = l.path("diff-size").asLong(-1);
      String digest = l.path("diff-digest").asString("");
      if (size < 0 || !Digest.isValid(digest)) {
        return Optional.empty();
      }
      chain.add(0, new Descriptor(MediaTypes.OCI_LAYER, digest, size));
    }
    return chain.stream().map(Descriptor::digest).toList().equals(diffIds) ? Optional.of(chain) : Optional.empty();
  }

  /** The image saved by podman on first use of a blob, and removed when the image is closed. */
  private static final class Fallback implements AutoCloseable {
    private final Saved saved;
    private final Manifest manifest;
    private final String name;
    private Image image;

    Fallback(Saved saved, Manifest manifest, String name) {
      this.saved = saved;
      this.manifest = manifest;
      this.name = name;
    }

    synchronized InputStream open(Descriptor blob) throws IOException {
      if (image == null) {
        Image s = saved.get();
        if (!s.manifest().equals(manifest)) {
          s.close();
          throw new dev.shrink.image.ImageException(name + " changed in podman's store while it was read: podman save gave config "
              + s.manifest().config().digest() + ", the store had " + manifest.config().digest());
        }
        image = s;
      }
      return image.open(blob);
    }

    @Override
    public synchronized void close() throws IOException {
      if (image != null) {
        image.close();
      }
    }
  }
}

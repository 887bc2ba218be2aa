package dev.shrink.transport.engine;

import dev.shrink.engine.Engine;
import dev.shrink.image.Descriptor;
import dev.shrink.image.Digest;
import dev.shrink.image.Image;
import dev.shrink.image.ImageConfig;
import dev.shrink.image.ImageException;
import dev.shrink.image.Manifest;
import dev.shrink.image.MediaTypes;
import dev.shrink.image.VerifyingInputStream;
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
 * gives (uncompressed layers named by their diff_ids). A layer's tar is put back together from its
 * tar-split and diff directory ({@link TarSplit}) and checked against its diff_id as it streams; a
 * layer that fails there throws a {@link StoreReadException} and from then on every blob comes
 * through {@code podman save} (run once, on first need). Anything else not as expected: empty, and
 * the caller saves the image instead.
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
  private record Location(String id, Path root, String topLayer) {}

  /** A layer of the store: its ID there and its descriptor (the uncompressed tar). */
  private record Layer(String id, Descriptor descriptor) {}

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
    Optional<List<Layer>> layers = layers(at, diffIds);
    if (layers.isEmpty()) {
      return Optional.empty();
    }
    Manifest manifest = new Manifest(MediaTypes.OCI_MANIFEST, new Descriptor(MediaTypes.OCI_CONFIG, "sha256:" + at.id(), config.get().length),
        layers.get().stream().map(Layer::descriptor).toList(), Map.of());
    Blobs blobs = new Blobs(at.root(), layers.get(), saved, manifest, name);
    return Optional.of(Image.of(name, manifest, null, config.get(), blobs::open, blobs));
  }

  /** Asks podman where the image is; empty when not root, not found, or not on the overlay driver. */
  private static Optional<Location> locate(Engine podman, String spec) throws IOException {
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
  private static Optional<List<Layer>> layers(Location at, List<String> diffIds) throws IOException {
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
    List<Layer> chain = new ArrayList<>();
    for (JsonNode l = byId.get(at.topLayer()); l != null && chain.size() <= diffIds.size(); l = byId.get(l.path("parent").asString(""))) {
      long size = l.path("diff-size").asLong(-1);
      String digest = l.path("diff-digest").asString("");
      if (size < 0 || !Digest.isValid(digest)) {
        return Optional.empty();
      }
      chain.add(0, new Layer(l.path("id").asString(), new Descriptor(MediaTypes.OCI_LAYER, digest, size)));
    }
    return chain.stream().map(l -> l.descriptor().digest()).toList().equals(diffIds) ? Optional.of(chain) : Optional.empty();
  }

  /** The layers from the store while they read true; then, and for anything else, the image podman saves. */
  private static final class Blobs implements AutoCloseable {
    private final Path root;
    private final Map<String, String> layerIds = new HashMap<>();
    private final Saved saved;
    private final Manifest manifest;
    private final String name;
    private boolean fromStore = true;
    private Image image;

    Blobs(Path root, List<Layer> layers, Saved saved, Manifest manifest, String name) {
      this.root = root;
      layers.forEach(l -> layerIds.put(l.descriptor().digest(), l.id()));
      this.saved = saved;
      this.manifest = manifest;
      this.name = name;
    }

    synchronized InputStream open(Descriptor blob) throws IOException {
      String id = fromStore ? layerIds.get(blob.digest()) : null;
      Path split = id == null ? null : root.resolve(DRIVER + "-layers").resolve(id + ".tar-split.gz");
      Path diff = id == null ? null : root.resolve(DRIVER).resolve(id).resolve("diff");
      if (split != null && Files.isRegularFile(split) && Files.isDirectory(diff)) {
        return new StoreLayer(new TarSplit(split, diff, name + " layer " + blob.digest()), blob);
      }
      return saved().open(blob);
    }

    private synchronized void failed() {
      fromStore = false;
    }

    private Image saved() throws IOException {
      if (image == null) {
        Image s = saved.get();
        if (!s.manifest().equals(manifest)) {
          s.close();
          throw new ImageException(name + " changed in podman's store while it was read: podman save gave config "
              + s.manifest().config().digest() + ", the store had " + manifest.config().digest());
        }
        image = s;
      }
      return image;
    }

    @Override
    public synchronized void close() throws IOException {
      if (image != null) {
        image.close();
      }
    }

    /** A layer put back together from the store, checked against its diff_id; a failure turns the image to podman save. */
    private final class StoreLayer extends VerifyingInputStream {
      private final Descriptor blob;

      StoreLayer(InputStream in, Descriptor blob) {
        super(in, name, blob);
        this.blob = blob;
      }

      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        try {
          return super.read(b, off, len);
        } catch (IOException e) {
          failed();
          throw new StoreReadException(name + ": layer " + blob.digest() + " as podman's store keeps it: " + e.getMessage(), e);
        }
      }
    }
  }
}

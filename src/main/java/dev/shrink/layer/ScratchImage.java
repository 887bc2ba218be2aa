package dev.shrink.layer;

import dev.shrink.image.Descriptor;
import dev.shrink.image.Digest;
import dev.shrink.image.Image;
import dev.shrink.image.Manifest;
import dev.shrink.image.MediaTypes;
import dev.shrink.json.Json;
import java.nio.file.Files;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/** An image with no base: a config and layers that shrink wrote itself. */
public final class ScratchImage {
  private ScratchImage() {}

  /**
   * @param config the config document; its {@code rootfs} is replaced by the layers' diffIDs
   * @param cleanup closed with the image (for example removes the layer files), or null
   */
  public static Image of(String name, ObjectNode config, List<LayerWriter.Blob> layers, AutoCloseable cleanup) {
    ObjectNode doc = config.deepCopy();
    ObjectNode rootfs = doc.putObject("rootfs");
    rootfs.put("type", "layers");
    ArrayNode ids = rootfs.putArray("diff_ids");
    layers.forEach(l -> ids.add(l.diffId()));
    byte[] configBytes = Json.bytes(doc);
    Map<String, LayerWriter.Blob> byDigest = new HashMap<>();
    layers.forEach(l -> byDigest.put(l.descriptor().digest(), l));
    Manifest manifest = new Manifest(MediaTypes.OCI_MANIFEST,
        new Descriptor(MediaTypes.OCI_CONFIG, Digest.of(configBytes), configBytes.length),
        layers.stream().map(LayerWriter.Blob::descriptor).toList(), Map.of());
    return Image.of(name, manifest, null, configBytes, d -> {
      LayerWriter.Blob b = byDigest.get(d.digest());
      if (b == null) {
        throw new java.io.FileNotFoundException(name + " has no blob " + d.digest());
      }
      return Files.newInputStream(b.file());
    }, cleanup);
  }
}

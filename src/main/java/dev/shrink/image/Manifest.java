package dev.shrink.image;

import dev.shrink.json.Json;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/** An image manifest (OCI or Docker v2 schema 2): a config and ordered layers. */
public record Manifest(String mediaType, Descriptor config, List<Descriptor> layers, Map<String, String> annotations) {
  /** The largest manifest (or index fetched as one) read from any transport, as containerd bounds them. */
  public static final int MAX_BYTES = 4 << 20;

  public Manifest {
    layers = List.copyOf(layers);
    annotations = annotations == null ? Map.of() : Map.copyOf(annotations);
  }

  public static Manifest parse(byte[] json, String what) {
    JsonNode node = ImageJson.parse(json, what);
    return ImageJson.typed(what, () -> parse(node, what));
  }

  private static Manifest parse(JsonNode node, String what) {
    if (node.path("schemaVersion").asInt() != 2) {
      throw new ImageException(what + " is not a schema 2 manifest (schemaVersion "
          + node.path("schemaVersion") + "); Docker schema 1 is not supported");
    }
    String type = node.path("mediaType").asString(MediaTypes.OCI_MANIFEST);
    if (!MediaTypes.isManifest(type)) {
      throw new ImageException(what + " has media type " + type + ", not an image manifest");
    }
    Descriptor config = ImageJson.descriptor(node.path("config"), what + " config");
    List<Descriptor> layers = node.path("layers").values().stream()
        .map(l -> ImageJson.descriptor(l, what + " layer")).toList();
    return new Manifest(type, config, layers, Json.stringMap(node.path("annotations")));
  }

  public ManifestFormat format() {
    return ManifestFormat.of(mediaType);
  }

  /** The same manifest in {@code to}'s media types (blobs unchanged). */
  public Manifest convert(ManifestFormat to) {
    if (format() == to) {
      return this;
    }
    return new Manifest(to.manifestType(), config.withMediaType(MediaTypes.convert(config.mediaType(), to)),
        layers.stream().map(l -> l.withMediaType(MediaTypes.convert(l.mediaType(), to))).toList(), annotations);
  }

  /** Canonical JSON: fixed key order, so the same manifest always has the same digest. */
  public byte[] toJson() {
    ObjectNode node = Json.object();
    node.put("schemaVersion", 2);
    node.put("mediaType", mediaType);
    node.set("config", ImageJson.descriptor(config));
    ArrayNode array = node.putArray("layers");
    layers.forEach(l -> array.add(ImageJson.descriptor(l)));
    if (!annotations.isEmpty() && format() == ManifestFormat.OCI) {
      ObjectNode a = node.putObject("annotations");
      annotations.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> a.put(e.getKey(), e.getValue()));
    }
    return Json.bytes(node);
  }
}

package dev.shrink.transport.archive;

import dev.shrink.image.Descriptor;
import dev.shrink.image.Digest;
import dev.shrink.image.Image;
import dev.shrink.image.ImageConfig;
import dev.shrink.image.ImageException;
import dev.shrink.image.Manifest;
import dev.shrink.image.ManifestFormat;
import dev.shrink.image.MediaTypes;
import dev.shrink.json.Json;
import dev.shrink.layer.Compression;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * What {@code docker save} and {@code podman save} write: manifest.json naming a config and layer
 * files. Written in the shape Docker 25+ uses, which is an OCI layout at the same time.
 */
final class DockerArchive {
  private DockerArchive() {}

  /** Reads the image tagged {@code ref} (or the only one); owns {@code tree}. */
  static Image read(Tree tree, String ref, String name) throws IOException {
    try {
      if (!tree.exists("manifest.json")) {
        throw new ImageException(name + " is not a docker archive: it has no manifest.json");
      }
      JsonNode list = parse(tree.read("manifest.json", ImageConfig.MAX_BYTES, name + " manifest.json"), name);
      JsonNode chosen = choose(list, ref, name);
      String configPath = file(tree, chosen.path("Config"), "Config", name);
      byte[] config = tree.read(configPath, ImageConfig.MAX_BYTES, name + " config " + configPath);
      JsonNode layerList = chosen.path("Layers");
      if (!layerList.isArray()) {
        throw new ImageException(name + ": manifest.json's \"Layers\" is not a list of layer files");
      }
      Map<String, String> paths = new HashMap<>();
      List<Descriptor> layers = new ArrayList<>();
      for (JsonNode layer : layerList.values()) {
        String path = file(tree, layer, "Layers", name);
        Compression compression;
        String digest;
        long size;
        try (InputStream in = new BufferedInputStream(tree.open(path), 1 << 16)) {
          compression = Compression.detect(in);
          dev.shrink.image.CountingDigestStream counted = new dev.shrink.image.CountingDigestStream(java.io.OutputStream.nullOutputStream());
          in.transferTo(counted);
          digest = counted.digest();
          size = counted.count();
        }
        paths.put(digest, path);
        layers.add(new Descriptor(compression.ociMediaType(), digest, size));
      }
      Manifest manifest = new Manifest(MediaTypes.OCI_MANIFEST,
          new Descriptor(MediaTypes.OCI_CONFIG, Digest.of(config), config.length), layers, Map.of());
      return Image.of(name, manifest, null, config, d -> {
        String path = paths.get(d.digest());
        if (path == null) {
          throw new IOException(name + " has no blob " + d.digest());
        }
        return tree.open(path);
      }, tree);
    } catch (IOException | RuntimeException e) {
      tree.close();
      throw e;
    }
  }

  private static JsonNode parse(byte[] json, String name) {
    try {
      return Json.MAPPER.readTree(json);
    } catch (tools.jackson.core.JacksonException e) {
      throw new ImageException(name + ": manifest.json is not valid JSON: " + e.getOriginalMessage(), e);
    }
  }

  /** A file the archive must hold, named by a string in manifest.json's {@code field}. */
  private static String file(Tree tree, JsonNode value, String field, String name) {
    if (!value.isString() || value.asString().isEmpty()) {
      throw new ImageException(name + ": manifest.json's \"" + field + "\" has " + (value.isMissingNode() ? "nothing" : value) + ", not a file name");
    }
    String path = value.asString();
    if (!tree.exists(path)) {
      throw new ImageException(name + " lacks the " + ("Config".equals(field) ? "config" : "layer") + " file " + path
          + " that manifest.json names");
    }
    return path;
  }

  private static JsonNode choose(JsonNode list, String ref, String name) {
    if (!list.isArray() || list.isEmpty()) {
      throw new ImageException(name + ": manifest.json lists no image");
    }
    if (ref == null) {
      if (list.size() > 1) {
        throw new ImageException(name + " holds " + list.size() + " images; name one with :NAME:TAG");
      }
      return list.get(0);
    }
    for (JsonNode entry : list) {
      for (JsonNode tag : entry.path("RepoTags").values()) {
        if (matches(tag.asString(), ref)) {
          return entry;
        }
      }
    }
    throw new ImageException(name + " has no image tagged '" + ref + "'");
  }

  /** Exact match, or a short name that the archive stores with a default registry prefix. */
  private static boolean matches(String stored, String ref) {
    return stored.equals(ref) || stored.equals("docker.io/library/" + ref) || stored.equals("localhost/" + ref)
        || stored.equals("docker.io/" + ref);
  }

  static void write(TreeWriter out, Image image, ManifestFormat format, String ref) throws IOException {
    OciLayout.write(out, image, format, ref, List.of());
    ObjectNode entry = Json.object();
    entry.put("Config", OciLayout.blobPath(image.manifest().config().digest()));
    ArrayNode tags = entry.putArray("RepoTags");
    if (ref != null) {
      tags.add(ref);
    }
    ArrayNode layers = entry.putArray("Layers");
    image.layers().forEach(l -> layers.add(OciLayout.blobPath(l.digest())));
    ArrayNode list = Json.MAPPER.createArrayNode();
    list.add(entry);
    out.put("manifest.json", Json.MAPPER.writeValueAsBytes(list));
  }
}

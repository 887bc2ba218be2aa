package dev.shrink.image;

import dev.shrink.json.Json;
import java.util.Map;
import java.util.function.Supplier;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/** Image documents (manifests, indexes, configs, descriptors) read from and written as JSON; bad input is an {@link ImageException}. */
public final class ImageJson {
  private ImageJson() {}

  public static JsonNode parse(byte[] bytes, String what) {
    try {
      JsonNode node = Json.MAPPER.readTree(bytes);
      if (node == null || !node.isObject()) {
        throw new ImageException(what + " is not a JSON object");
      }
      return node;
    } catch (JacksonException e) {
      throw new ImageException(what + " is not valid JSON: " + e.getOriginalMessage(), e);
    }
  }

  /** Runs {@code read} over a parsed document: a value of the wrong type (a string where a number is due) is bad input too. */
  static <T> T typed(String what, Supplier<T> read) {
    try {
      return read.get();
    } catch (JacksonException e) {
      throw new ImageException(what + " has a value of the wrong type: " + e.getOriginalMessage(), e);
    }
  }

  public static Descriptor descriptor(JsonNode node, String what) {
    String digest = node.path("digest").asString("");
    if (!Digest.isValid(digest)) {
      throw new ImageException(what + " has a missing or bad digest '" + digest + "'");
    }
    JsonNode p = node.path("platform");
    Platform platform = p.isObject()
        ? new Platform(p.path("os").asString(""), p.path("architecture").asString(""),
            p.path("variant").isString() ? p.path("variant").asString() : null)
        : null;
    return new Descriptor(node.path("mediaType").asString(""), digest, node.path("size").asLong(-1),
        Json.stringMap(node.path("annotations")), platform);
  }

  public static ObjectNode descriptor(Descriptor d) {
    ObjectNode node = Json.object();
    node.put("mediaType", d.mediaType());
    node.put("digest", d.digest());
    node.put("size", d.size());
    if (!d.annotations().isEmpty()) {
      ObjectNode a = node.putObject("annotations");
      d.annotations().entrySet().stream().sorted(Map.Entry.comparingByKey())
          .forEach(e -> a.put(e.getKey(), e.getValue()));
    }
    if (d.platform() != null) {
      ObjectNode p = node.putObject("platform");
      p.put("architecture", d.platform().architecture());
      p.put("os", d.platform().os());
      if (d.platform().variant() != null) {
        p.put("variant", d.platform().variant());
      }
    }
    return node;
  }
}

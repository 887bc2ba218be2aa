package dev.shrink.image;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/** The one JSON mapper of the project, the JSON documents bundled in the jar, and the small conversions image documents need. */
public final class Json {
  public static final JsonMapper MAPPER = JsonMapper.builder().build();

  private Json() {}

  public static JsonNode parse(byte[] bytes, String what) {
    try {
      JsonNode node = MAPPER.readTree(bytes);
      if (node == null || !node.isObject()) {
        throw new ImageException(what + " is not a JSON object");
      }
      return node;
    } catch (tools.jackson.core.JacksonException e) {
      throw new ImageException(what + " is not valid JSON: " + e.getOriginalMessage(), e);
    }
  }

  /** Runs {@code read} over a parsed document: a value of the wrong type (a string where a number is due) is bad input too. */
  static <T> T typed(String what, java.util.function.Supplier<T> read) {
    try {
      return read.get();
    } catch (tools.jackson.core.JacksonException e) {
      throw new ImageException(what + " has a value of the wrong type: " + e.getOriginalMessage(), e);
    }
  }

  /**
   * A knowledge document bundled in the jar, read into records of {@code type}: an unknown field
   * is refused (a misspelt key must not silently drop an entry); a missing one is a broken build.
   */
  public static <T> T resource(String name, Class<T> type) {
    try (InputStream in = Json.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("resource " + name + " is missing");
      }
      return strict(new String(in.readAllBytes(), StandardCharsets.UTF_8), type, name);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** {@code json} read into records of {@code type}, unknown fields refused; a bad document is an IllegalArgumentException naming {@code what}. */
  public static <T> T strict(String json, Class<T> type, String what) {
    try {
      return MAPPER.readerFor(type).with(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .readValue(json);
    } catch (JacksonException e) {
      Throwable cause = e.getCause() instanceof IllegalArgumentException c ? c : e;
      throw new IllegalArgumentException(what + ": " + (cause == e ? e.getOriginalMessage() : cause.getMessage()), e);
    }
  }

  public static byte[] bytes(JsonNode node) {
    return MAPPER.writeValueAsBytes(node);
  }

  public static ObjectNode object() {
    return MAPPER.createObjectNode();
  }

  public static Map<String, String> stringMap(JsonNode node) {
    Map<String, String> map = new LinkedHashMap<>();
    if (node != null && node.isObject()) {
      node.properties().forEach(e -> map.put(e.getKey(), e.getValue().asString()));
    }
    return map;
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
        stringMap(node.path("annotations")), platform);
  }

  public static ObjectNode descriptor(Descriptor d) {
    ObjectNode node = object();
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

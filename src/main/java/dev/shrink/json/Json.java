package dev.shrink.json;

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

/** The one JSON mapper of the project and the JSON documents bundled in the jar. */
public final class Json {
  public static final JsonMapper MAPPER = JsonMapper.builder().build();

  private Json() {}

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
}

package dev.shrink.image;

import dev.shrink.json.Json;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/** A read view of an image config (the OCI/Docker "container config" JSON), kept whole for rewriting. */
public final class ImageConfig {
  /** The largest config (or layout index.json, or docker-archive manifest.json) read from any transport. */
  public static final int MAX_BYTES = 32 << 20;

  private final ObjectNode root;

  private ImageConfig(ObjectNode root) {
    this.root = root;
  }

  public static ImageConfig parse(byte[] json, String what) {
    ImageConfig c = new ImageConfig((ObjectNode) ImageJson.parse(json, what));
    return ImageJson.typed(what, () -> { // every field read once, so that a value of the wrong type is found here
      c.envMap();
      c.entrypoint();
      c.cmd();
      c.user();
      c.workingDir();
      c.exposedPorts();
      c.labels();
      c.diffIds();
      c.architecture();
      c.os();
      return c;
    });
  }

  private JsonNode config() {
    return root.path("config");
  }

  public List<String> entrypoint() {
    return strings(config().path("Entrypoint"));
  }

  public List<String> cmd() {
    return strings(config().path("Cmd"));
  }

  public List<String> env() {
    return strings(config().path("Env"));
  }

  /** The env as a map; later entries win, as the engines do. */
  public Map<String, String> envMap() {
    Map<String, String> map = new LinkedHashMap<>();
    for (String e : env()) {
      int eq = e.indexOf('=');
      map.put(eq < 0 ? e : e.substring(0, eq), eq < 0 ? "" : e.substring(eq + 1));
    }
    return map;
  }

  public String user() {
    return config().path("User").asString("");
  }

  public String workingDir() {
    return config().path("WorkingDir").asString("");
  }

  public List<String> exposedPorts() {
    return new ArrayList<>(config().path("ExposedPorts").propertyNames());
  }

  public Map<String, String> labels() {
    return Json.stringMap(config().path("Labels"));
  }

  public List<String> diffIds() {
    return strings(root.path("rootfs").path("diff_ids"));
  }

  public String architecture() {
    return root.path("architecture").asString("");
  }

  public String os() {
    return root.path("os").asString("");
  }

  /** A deep copy of the whole document, for building a changed config. */
  public ObjectNode copy() {
    return root.deepCopy();
  }

  static List<String> strings(JsonNode node) {
    List<String> out = new ArrayList<>();
    if (node instanceof ArrayNode array) {
      array.values().forEach(v -> out.add(v.asString()));
    }
    return out;
  }
}

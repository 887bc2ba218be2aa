package dev.shrink.minify;

import dev.shrink.image.ImageConfig;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The config of the output, the one step that changes the image's config rather than its files:
 * the source's config with the command as it runs (entrypoint, cmd, workdir), the run user, no
 * shell or healthcheck (nothing to run them), one history entry per layer, the build time from
 * {@code SOURCE_DATE_EPOCH}, and {@code PYTHONOPTIMIZE} when the bytecode is optimised.
 */
final class OutputConfig {
  private OutputConfig() {}

  /**
   * @param createdBy the command that made the layers ("shrink minify", "shrink build")
   * @param optimize the -O level of the bytecode written (0: none, the env is left as it is)
   */
  static ObjectNode of(ImageConfig source, RunCommand run, Essentials user, long epoch, String createdBy, Collection<LayerSplit.Part> parts,
      int optimize) {
    ObjectNode doc = source.copy();
    ObjectNode c = doc.has("config") && doc.get("config").isObject() ? (ObjectNode) doc.get("config") : doc.putObject("config");
    c.put("User", user.configUser());
    ArrayNode ep = c.putArray("Entrypoint");
    run.entrypoint().forEach(ep::add);
    if (run.cmd().isEmpty()) {
      c.remove("Cmd");
    } else {
      ArrayNode cmd = c.putArray("Cmd");
      run.cmd().forEach(cmd::add);
    }
    if (run.entrypoint().isEmpty()) {
      c.remove("Entrypoint");
    }
    c.put("WorkingDir", run.workdir());
    c.remove("Shell");
    c.remove("Healthcheck");
    if (optimize > 0) {
      optimizeEnv(c, optimize);
    }
    doc.remove("history");
    ArrayNode history = doc.putArray("history");
    for (LayerSplit.Part part : parts) {
      ObjectNode h = history.addObject();
      h.put("created", Instant.ofEpochSecond(epoch).toString());
      h.put("created_by", createdBy + " (" + part.label() + " layer)");
      h.put("comment", "FROM scratch: only the files the command needs; " + part.description());
    }
    doc.put("created", Instant.ofEpochSecond(epoch).toString());
    return doc;
  }

  /**
   * {@code PYTHONOPTIMIZE=N} in the config's Env (replacing the image's own), so that {@code
   * sys.flags.optimize} says what the bytecode is: libraries that check it before they use
   * docstrings (numpy's {@code add_docstring} does) would otherwise fail on -O2 bytecode.
   */
  private static void optimizeEnv(ObjectNode config, int level) {
    List<String> others = new ArrayList<>();
    config.path("Env").forEach(e -> {
      if (!e.asString().startsWith("PYTHONOPTIMIZE=")) {
        others.add(e.asString());
      }
    });
    ArrayNode env = config.putArray("Env");
    others.forEach(env::add);
    env.add("PYTHONOPTIMIZE=" + level);
  }
}

package dev.shrink.cli;

import dev.shrink.image.Image;
import dev.shrink.image.ImageConfig;
import dev.shrink.inspect.FileTree;
import dev.shrink.inspect.ImageSummary;
import dev.shrink.json.Json;
import dev.shrink.transport.ImageReference;
import java.io.PrintStream;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/** {@code shrink inspect SRC [--json]}: config, layers with sizes, file count and largest files. */
@Command(name = "inspect", mixinStandardHelpOptions = true,
    description = "Shows an image's config, its layers (compressed and uncompressed sizes), its file count and its largest files.")
final class InspectCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "SRC", converter = TransportMixin.ReferenceConverter.class, description = "Image to inspect.")
  ImageReference source;

  @Option(names = "--json", description = "Print JSON for machines.")
  boolean json;

  @Option(names = "--top", paramLabel = "N", defaultValue = "20", description = "How many of the largest files to list (default: ${DEFAULT-VALUE}).")
  int top;

  @Mixin
  TransportMixin transport;

  @Override
  public Integer call() throws Exception {
    ImageSummary s;
    String name;
    try (Image image = source.read(transport.source())) {
      s = ImageSummary.of(image, top);
      name = image.name();
    }
    PrintStream out = System.out;
    if (json) {
      out.println(Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(toJson(name, s)));
      return 0;
    }
    ImageConfig c = s.config();
    out.println("Image:       " + name);
    out.println("Platform:    " + c.os() + "/" + c.architecture());
    out.println("Entrypoint:  " + c.entrypoint());
    out.println("Cmd:         " + c.cmd());
    out.println("User:        " + (c.user().isEmpty() ? "(root)" : c.user()));
    out.println("WorkingDir:  " + c.workingDir());
    out.println("Ports:       " + c.exposedPorts());
    out.println("Env:");
    c.env().forEach(e -> out.println("  " + e));
    out.printf("Layers:      %d, %s compressed, %s uncompressed%n", s.layers().size(), Sizes.human(s.compressedSize()), Sizes.human(s.uncompressedSize()));
    for (FileTree.LayerSize l : s.layers()) {
      out.printf("  %s  %10s  %10s  %s%n", l.descriptor().digest().substring(0, 19), Sizes.human(l.descriptor().size()),
          Sizes.human(l.uncompressedSize()), l.descriptor().mediaType());
    }
    out.printf("Files:       %d, %s%n", s.fileCount(), Sizes.human(s.totalFileBytes()));
    out.println("Largest files:");
    s.largest().forEach(f -> out.printf("  %10s  %s%n", Sizes.human(f.size()), f.path()));
    return 0;
  }

  private static ObjectNode toJson(String name, ImageSummary s) {
    ObjectNode root = Json.object();
    root.put("image", name);
    ImageConfig c = s.config();
    ObjectNode config = root.putObject("config");
    config.put("os", c.os());
    config.put("architecture", c.architecture());
    strings(config.putArray("entrypoint"), c.entrypoint());
    strings(config.putArray("cmd"), c.cmd());
    strings(config.putArray("env"), c.env());
    config.put("user", c.user());
    config.put("workingDir", c.workingDir());
    strings(config.putArray("exposedPorts"), c.exposedPorts());
    ObjectNode labels = config.putObject("labels");
    c.labels().forEach(labels::put);
    ArrayNode layers = root.putArray("layers");
    for (FileTree.LayerSize l : s.layers()) {
      ObjectNode n = layers.addObject();
      n.put("digest", l.descriptor().digest());
      n.put("mediaType", l.descriptor().mediaType());
      n.put("size", l.descriptor().size());
      n.put("uncompressedSize", l.uncompressedSize());
      n.put("entries", l.entries());
    }
    root.put("compressedSize", s.compressedSize());
    root.put("uncompressedSize", s.uncompressedSize());
    root.put("fileCount", s.fileCount());
    root.put("fileBytes", s.totalFileBytes());
    ArrayNode largest = root.putArray("largestFiles");
    s.largest().forEach(f -> largest.addObject().put("path", f.path()).put("size", f.size()));
    return root;
  }

  private static void strings(ArrayNode array, java.util.List<String> values) {
    values.forEach(array::add);
  }
}

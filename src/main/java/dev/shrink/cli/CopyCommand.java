package dev.shrink.cli;

import dev.shrink.image.Image;
import dev.shrink.json.Json;
import dev.shrink.transport.ImageReference;
import dev.shrink.transport.engine.StoreReadException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import tools.jackson.databind.node.ObjectNode;

/** {@code shrink copy SRC DEST}: the skopeo-copy equivalent over every transport. */
@Command(name = "copy", mixinStandardHelpOptions = true,
    description = {"Copies an image from one transport to another.",
        "Transports: docker-archive:PATH[:NAME:TAG], oci:DIR[:TAG], oci-archive:PATH[:TAG],",
        "docker://HOST/REPO[:TAG|@DIGEST], containers-storage:NAME (podman), docker-daemon:NAME (docker)."})
final class CopyCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "SRC", converter = TransportMixin.ReferenceConverter.class, description = "Image to read.")
  ImageReference source;

  @Parameters(index = "1", paramLabel = "DEST", converter = TransportMixin.ReferenceConverter.class, description = "Where to write it.")
  ImageReference destination;

  @Option(names = "--overwrite", description = "Replace an existing docker-archive: or oci-archive: file (otherwise refused).")
  boolean overwrite;

  @Mixin
  TransportMixin transport;

  @Mixin
  Results results;

  @Override
  public Integer call() throws Exception {
    try (Image image = source.read(transport.source())) {
      StoreReadException.retried(() -> destination.write(image, transport.destination().toBuilder().overwrite(overwrite).build()),
          warning -> System.err.println("warning: " + warning));
    }
    results.table().println("Copied " + source + " to " + destination);
    ObjectNode summary = Json.object();
    summary.put("source", source.toString());
    summary.put("destination", destination.toString());
    results.finish(results.digest(destination, transport.destination()), summary);
    return 0;
  }
}

package dev.shrink.probe;

import dev.shrink.engine.Engine;
import dev.shrink.image.Image;
import dev.shrink.json.Json;
import dev.shrink.transport.ImageReference;
import dev.shrink.transport.TransportOptions;
import java.io.IOException;
import java.util.List;
import java.util.UUID;

/**
 * An image a container engine can run: {@code containers-storage:} and {@code docker-daemon:}
 * images are used where they are (podman's, docker's); an image of any other transport is loaded
 * into the given engine under a temporary name that {@link #close()} removes.
 */
public record EngineImage(Engine engine, String name, boolean temporary) implements AutoCloseable {
  public static EngineImage of(ImageReference ref, TransportOptions options, Engine engine) throws IOException {
    switch (ref.transport().name()) {
      case "containers-storage":
        return new EngineImage(Engine.podman(), ref.spec(), false);
      case "docker-daemon":
        return new EngineImage(Engine.docker(), ref.spec(), false);
      default:
        try (Image image = ref.read(options)) {
          return load(image, options, engine);
        }
    }
  }

  /** Loads {@code image} into {@code engine} (podman or docker) under a temporary name. */
  public static EngineImage load(Image image, TransportOptions options, Engine engine) throws IOException {
    String name = "localhost/shrink-probe/tmp:" + UUID.randomUUID().toString().substring(0, 12);
    String transport = engine.command().equals("docker") ? "docker-daemon:" : "containers-storage:";
    ImageReference.parse(transport + name).write(image, options);
    return new EngineImage(engine, name, true);
  }

  /** The start-up probe of this image ({@link Probe.Startup}): the ports its config exposes, as the engine reports them. */
  public Probe.Startup startup() throws IOException {
    String json = engine.check(60, "image", "inspect", "--format", "{{json .Config.ExposedPorts}}", name).stdout().strip();
    var ports = dev.shrink.json.Json.MAPPER.readTree(json);
    return Probe.Startup.of(ports != null && ports.isObject() ? List.copyOf(ports.propertyNames()) : List.of());
  }

  @Override
  public void close() throws IOException {
    if (temporary) {
      engine.run(60, "rmi", "--force", name);
    }
  }
}

package dev.shrink.run;

import dev.shrink.engine.Engine;
import dev.shrink.image.Image;
import dev.shrink.probe.ContainerRunner;
import dev.shrink.probe.EngineImage;
import dev.shrink.probe.Probe;
import dev.shrink.transport.ImageReference;
import dev.shrink.transport.TransportOptions;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;

/**
 * How images are probed and compared: the probes given (none: the start-up probe), the name of
 * the engine that runs images ({@code auto}, {@code podman}, {@code docker}), the time an HTTP probe waits
 * (a command probe gets twice this) and what output comparisons ignore.
 */
public record Probing(List<Probe> given, String engineName, Duration timeout, List<Pattern> ignore) {
  public Probing {
    given = List.copyOf(given);
    ignore = List.copyOf(ignore);
  }

  /** The engine {@code engineName} names; auto: podman if installed, else docker. */
  public Engine engine() throws IOException {
    return Engine.of(engineName);
  }

  /**
   * The engine an image runs in: podman for {@code containers-storage:}, docker for {@code
   * docker-daemon:}, else {@link #engine()}; podman when auto-detection finds neither (the caller
   * reports that it is missing).
   */
  public Engine engineFor(ImageReference image) throws IOException {
    return switch (image.transport().name()) {
      case "containers-storage" -> Engine.podman();
      case "docker-daemon" -> Engine.docker();
      default -> {
        try {
          yield engine();
        } catch (Engine.EngineException e) {
          yield Engine.podman();
        }
      }
    };
  }

  /** The time limits of plain runs. */
  public ContainerRunner.Settings settings() {
    return new ContainerRunner.Settings(List.of(), List.of(), timeout, timeout.multipliedBy(2), Duration.ofSeconds(10));
  }

  /** The time limits and command of traced runs of {@code image} (entrypoint and cmd overrides, or null). */
  ContainerRunner.Settings settings(Engine engine, String image, List<String> entrypoint, List<String> cmd) throws IOException {
    return ContainerRunner.Settings.fromEngine(engine, image, entrypoint, cmd, timeout, timeout.multipliedBy(2));
  }

  /** The written image as an engine runs it: DEST itself when it is an engine's storage, else {@code written} loaded into {@code engine}. */
  static EngineImage runnable(ImageReference destination, Image written, TransportOptions options, Engine engine) throws IOException {
    return List.of("containers-storage", "docker-daemon").contains(destination.transport().name())
        ? EngineImage.of(destination, options, engine) : EngineImage.load(written, options, engine);
  }
}

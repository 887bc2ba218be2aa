package dev.shrink.transport.engine;

import dev.shrink.engine.Engine;
import dev.shrink.image.Image;
import dev.shrink.progress.Phases;
import dev.shrink.transport.ImageReference;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The root filesystem of an image in podman's store as podman mounts it, read-only ({@code podman
 * image mount}, which podman allows root only): read where it is, with nothing unpacked. The image
 * is mounted by its ID, the digest of the config read from the store, so the files are those of
 * that very image. Unmounted when closed, or when shrink is stopped.
 */
public final class ImageMount implements AutoCloseable {
  private static final long TIMEOUT_SECONDS = 120;

  private final Engine engine;
  private final String id;
  private final Path dir;
  private final Thread onExit;

  private ImageMount(Engine engine, String id, Path dir) {
    this.engine = engine;
    this.id = id;
    this.dir = dir;
    this.onExit = new Thread(this::unmount, "shrink-unmount");
  }

  /**
   * Mounts {@code image}, read from {@code ref}; empty when {@code ref} is not {@code
   * containers-storage:} or podman does not mount it (not root, another storage driver): then the
   * image is to be unpacked.
   */
  public static Optional<ImageMount> of(ImageReference ref, Image image) throws IOException {
    if (!(ref.transport() instanceof EngineTransport.ContainersStorage)) {
      return Optional.empty();
    }
    Engine podman = Engine.podman();
    String id = image.manifest().config().digest().substring("sha256:".length());
    return Phases.time("engine mount", () -> {
      Engine.Result r = podman.run(TIMEOUT_SECONDS, "image", "mount", id);
      Path dir = r.ok() && !r.stdout().isBlank() ? Path.of(r.stdout().strip()) : null;
      if (dir == null || !Files.isDirectory(dir)) {
        return Optional.<ImageMount>empty();
      }
      ImageMount mount = new ImageMount(podman, id, dir);
      Runtime.getRuntime().addShutdownHook(mount.onExit);
      return Optional.of(mount);
    });
  }

  /** The image's root directory (read-only). */
  public Path dir() {
    return dir;
  }

  @Override
  public void close() {
    try {
      Runtime.getRuntime().removeShutdownHook(onExit);
    } catch (IllegalStateException e) {
      return; // shutting down: the hook unmounts
    }
    unmount();
  }

  private void unmount() {
    try {
      engine.run(TIMEOUT_SECONDS, "image", "unmount", id);
    } catch (IOException e) {
      System.err.println("warning: podman image unmount " + id + " failed: " + e.getMessage());
    }
  }
}

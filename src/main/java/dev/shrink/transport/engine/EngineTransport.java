package dev.shrink.transport.engine;

import dev.shrink.engine.Engine;
import dev.shrink.image.Image;
import dev.shrink.image.ImageException;
import dev.shrink.layer.TempFiles;
import dev.shrink.progress.Phase;
import dev.shrink.progress.Phases;
import dev.shrink.transport.ImageReference;
import dev.shrink.transport.Transport;
import dev.shrink.transport.TransportOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A local engine's image store, through the engine's own {@code save} and {@code load}:
 * {@code containers-storage:NAME} (podman; read from its store in place where that is exact) and
 * {@code docker-daemon:NAME} (docker).
 */
public abstract class EngineTransport implements Transport {
  private static final Pattern IMAGE_ID = Pattern.compile("sha256:([0-9a-f]{64})");
  private static final long TIMEOUT_SECONDS = 1800;

  private final String name;
  private final Engine engine;

  EngineTransport(String name, Engine engine) {
    this.name = name;
    this.engine = engine;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public Image read(String spec, TransportOptions options) throws IOException {
    return saved(spec, options);
  }

  /** The image through the engine's {@code save}: a docker-archive in a temp file, removed when the image is closed. */
  final Image saved(String spec, TransportOptions options) throws IOException {
    Path tar = tempFile(options);
    try {
      Files.delete(tar);
      try (Phase phase = Phases.open("engine save")) {
        engine.check(TIMEOUT_SECONDS, saveArgs(spec, tar.toString()));
        phase.add(Files.size(tar));
        phase.done();
      }
      Image saved = ImageReference.parse("docker-archive:" + tar).read(options);
      return Image.of(name + ":" + spec, saved.manifest(), null, saved.configBytes(), saved::open, () -> {
        try {
          saved.close();
        } finally {
          TempFiles.deleteTree(tar);
        }
      });
    } catch (IOException | RuntimeException e) {
      TempFiles.deleteTree(tar);
      throw e;
    }
  }

  @Override
  public void write(Image image, String spec, TransportOptions options) throws IOException {
    Path tar = tempFile(options);
    try {
      Files.delete(tar);
      ImageReference.parse("docker-archive:" + tar).write(image, options);
      try (Phase phase = Phases.open("engine load")) {
        Engine.Result loaded = engine.check(TIMEOUT_SECONDS, "load", "-i", tar.toString());
        Matcher m = IMAGE_ID.matcher(loaded.stdout() + loaded.stderr());
        if (!m.find()) {
          throw new ImageException(name + ":" + spec + ": " + engine.command() + " load did not say which image it loaded: " + loaded.stdout().strip());
        }
        engine.check(60, "tag", m.group(1), spec);
        phase.add(Files.size(tar));
        phase.done();
      }
    } finally {
      TempFiles.deleteTree(tar);
    }
  }

  abstract String[] saveArgs(String spec, String file);

  private static Path tempFile(TransportOptions options) throws IOException {
    return TempFiles.createFile(options.tempDir(), "engine", ".tar");
  }

  /**
   * {@code containers-storage:NAME}: podman's local images; as root, read from podman's store where
   * it can be read exactly ({@link StoredImage}), else saved.
   */
  public static final class ContainersStorage extends EngineTransport {
    public ContainersStorage() {
      super("containers-storage", Engine.podman());
    }

    @Override
    public Image read(String spec, TransportOptions options) throws IOException {
      Optional<Image> stored = Phases.time("store read", () -> StoredImage.read(Engine.podman(), spec, name() + ":" + spec, () -> saved(spec, options)));
      return stored.isPresent() ? stored.get() : saved(spec, options);
    }

    @Override
    String[] saveArgs(String spec, String file) {
      return new String[] {"save", "--format", "docker-archive", "-o", file, spec};
    }
  }

  /** {@code docker-daemon:NAME}: the Docker engine's local images. */
  public static final class DockerDaemon extends EngineTransport {
    public DockerDaemon() {
      super("docker-daemon", Engine.docker());
    }

    @Override
    String[] saveArgs(String spec, String file) {
      return new String[] {"save", "-o", file, spec};
    }
  }
}

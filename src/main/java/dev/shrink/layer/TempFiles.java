package dev.shrink.layer;

import dev.shrink.progress.Phases;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Removal of shrink's own temporary trees and partial outputs, also when the JVM is stopped
 * (SIGTERM, SIGINT, System.exit): whatever was registered with {@link #deleteOnExit} and not
 * yet deleted or {@linkplain #keep kept} is removed by a shutdown hook.
 */
public final class TempFiles {
  private static final Set<Path> ON_EXIT = new LinkedHashSet<>();
  private static boolean hooked;

  private TempFiles() {}

  /**
   * A new directory {@code shrink-KIND-PID-RANDOM} in {@code tempDir} (made if missing), registered
   * with {@link #deleteOnExit}; what runs killed before left in {@code tempDir} is removed first
   * ({@link StaleTemp}).
   */
  public static Path createDirectory(Path tempDir, String kind) throws IOException {
    Files.createDirectories(tempDir);
    return deleteOnExit(StaleTemp.create(tempDir, dir -> Files.createTempDirectory(dir, StaleTemp.prefix(kind))));
  }

  /** A new file {@code shrink-KIND-PID-RANDOM.SUFFIX} in {@code tempDir}, as {@link #createDirectory}. */
  public static Path createFile(Path tempDir, String kind, String suffix) throws IOException {
    Files.createDirectories(tempDir);
    return deleteOnExit(StaleTemp.create(tempDir, dir -> Files.createTempFile(dir, StaleTemp.prefix(kind), suffix)));
  }

  /** Registers a file or tree this run created, to be deleted if the JVM exits before it is deleted or kept. */
  public static Path deleteOnExit(Path path) {
    synchronized (ON_EXIT) {
      if (!hooked) {
        Runtime.getRuntime().addShutdownHook(new Thread(TempFiles::deleteRegistered, "shrink-cleanup"));
        hooked = true;
      }
      ON_EXIT.add(path.toAbsolutePath().normalize());
    }
    return path;
  }

  /** Takes a path back from {@link #deleteOnExit}: it is complete output now. */
  public static void keep(Path path) {
    synchronized (ON_EXIT) {
      ON_EXIT.remove(path.toAbsolutePath().normalize());
    }
  }

  /** Deletes a file or tree without following links out of it; quiet when it is gone already. */
  public static void deleteTree(Path dir) {
    Phases.time("clean up", () -> {
      delete(dir);
      return null;
    });
    keep(dir);
    StaleTemp.deleted(dir);
  }

  private static void delete(Path dir) {
    if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      List<Path> all = walk.toList();
      for (Path p : all) {
        if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS) && !Files.isWritable(p)) {
          p.toFile().setWritable(true, true);
          p.toFile().setExecutable(true, true);
        }
      }
      for (Path p : all.stream().sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete " + dir, e);
    }
  }

  /**
   * The shutdown hook. The thread that was writing may still run while it does (the JVM stops
   * threads only after its hooks), so each path is deleted again until it stays gone, for up to 2 s.
   */
  private static void deleteRegistered() {
    List<Path> paths;
    synchronized (ON_EXIT) {
      paths = new ArrayList<>(ON_EXIT);
    }
    for (int i = paths.size() - 1; i >= 0; i--) {
      Path p = paths.get(i);
      for (int attempt = 0; attempt < 100 && Files.exists(p, LinkOption.NOFOLLOW_LINKS); attempt++) {
        try {
          delete(p);
        } catch (UncheckedIOException | SecurityException e) {
          // written to meanwhile: try again
        }
        if (Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
          try {
            Thread.sleep(20);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
          }
        }
      }
    }
  }
}

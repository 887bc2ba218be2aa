package dev.shrink.layer;

import dev.shrink.progress.Phases;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

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

  /** Deletes depth first as it walks (no list of the tree's paths: memory does not grow with its size), making directories writable first. */
  private static void delete(Path dir) {
    if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    try {
      Files.walkFileTree(dir, new SimpleFileVisitor<>() {
        @Override
        public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes attrs) {
          if (!Files.isWritable(d)) {
            d.toFile().setWritable(true, true);
            d.toFile().setExecutable(true, true);
          }
          return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult visitFile(Path f, BasicFileAttributes attrs) throws IOException {
          Files.deleteIfExists(f);
          return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult visitFileFailed(Path f, IOException e) throws IOException {
          if (e instanceof NoSuchFileException) {
            return FileVisitResult.CONTINUE;
          }
          if (Files.isDirectory(f, LinkOption.NOFOLLOW_LINKS) && f.toFile().setReadable(true, true) && f.toFile().setExecutable(true, true)
              && f.toFile().setWritable(true, true)) {
            delete(f); // a directory this user could not list
            return FileVisitResult.CONTINUE;
          }
          throw e;
        }

        @Override
        public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
          if (e != null && !(e instanceof NoSuchFileException)) {
            throw e;
          }
          Files.deleteIfExists(d);
          return FileVisitResult.CONTINUE;
        }
      });
    } catch (NoSuchFileException e) {
      // gone meanwhile
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

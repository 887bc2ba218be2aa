package dev.shrink.layer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a run killed with no chance to clean up (SIGKILL, a crash, a power cut) left in a temp
 * directory, recognised and removed by a later run. Each run names its temp entries {@code
 * shrink-KIND-PID-RANDOM} and, before it creates one, locks byte PID of {@code shrink-USER.lock}
 * in that directory until its last entry there is deleted (the kernel drops the lock of a process
 * that dies). An entry is stale when its owner is this user and no process holds its PID's byte:
 * a live run's entries are never taken, whatever its PID namespace, and a reused PID only delays
 * the removal until that process ends. Each claim of a directory with no entry of this run
 * sweeps it.
 */
final class StaleTemp {
  private static final Pattern ENTRY = Pattern.compile("shrink-[a-z]+-(\\d+)-.+");
  private static final long PID = ProcessHandle.current().pid();
  private static final String USER = System.getProperty("user.name");
  /**
   * Per temp directory this run has entries in, the lock file's channel (null when it could not
   * be locked); only closed when no entry is left, since closing any channel to the file drops
   * this process's lock.
   */
  private static final Map<Path, FileChannel> LOCKS = new HashMap<>();
  /** This run's entries, each with its directory's key in {@link #LOCKS}. */
  private static final Map<Path, Path> ENTRIES = new HashMap<>();

  private StaleTemp() {}

  /** The name prefix of this run's entries of kind {@code kind}. */
  static String prefix(String kind) {
    return "shrink-" + kind + "-" + PID + "-";
  }

  /**
   * Creates an entry of this run in {@code dir}: first, if this run has none there, locks its
   * byte of the lock file and removes the stale entries. Best effort: where the lock file cannot
   * be written there is no sweep, and the entry is left to the shutdown hook, as any.
   */
  static synchronized Path create(Path dir, Creator creator) throws IOException {
    Path key = dir.toRealPath();
    if (!LOCKS.containsKey(key)) {
      LOCKS.put(key, lock(key));
    }
    Path entry;
    try {
      entry = creator.create(dir);
    } catch (IOException | RuntimeException e) {
      release(key);
      throw e;
    }
    ENTRIES.put(entry.toAbsolutePath().normalize(), key);
    return entry;
  }

  /** Creates a file or directory in a directory. */
  interface Creator {
    Path create(Path dir) throws IOException;
  }

  /** {@code path} is gone: when it was this run's last entry in its directory, its lock there is dropped. */
  static synchronized void deleted(Path path) {
    Path key = ENTRIES.remove(path.toAbsolutePath().normalize());
    if (key != null) {
      release(key);
    }
  }

  private static void release(Path key) {
    if (!ENTRIES.containsValue(key)) {
      FileChannel channel = LOCKS.remove(key);
      try {
        if (channel != null) {
          channel.close();
        }
      } catch (IOException e) {
        // closing drops the lock whatever it says
      }
    }
  }

  private static FileChannel lock(Path dir) {
    FileChannel channel = null;
    try {
      Path file = dir.resolve("shrink-" + USER + ".lock");
      channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS);
      Files.setLastModifiedTime(file, FileTime.fromMillis(System.currentTimeMillis())); // in use: not for age-based cleaners
      channel.lock(PID, 1, false);
      sweep(dir, channel);
      return channel;
    } catch (IOException | OverlappingFileLockException e) {
      try {
        if (channel != null) {
          channel.close();
        }
      } catch (IOException ignored) {
        // not locked anyway
      }
      return null;
    }
  }

  private static void sweep(Path dir, FileChannel channel) throws IOException {
    Map<Long, List<Path>> byPid = new HashMap<>();
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir, "shrink-*")) {
      for (Path entry : entries) {
        Matcher m = ENTRY.matcher(entry.getFileName().toString());
        if (m.matches() && m.group(1).length() < 10 && Long.parseLong(m.group(1)) != PID && ownedByUser(entry)) {
          byPid.computeIfAbsent(Long.parseLong(m.group(1)), p -> new ArrayList<>()).add(entry);
        }
      }
    }
    for (Map.Entry<Long, List<Path>> run : byPid.entrySet()) {
      try (FileLock gone = channel.tryLock(run.getKey(), 1, false)) {
        if (gone != null) {
          for (Path entry : run.getValue()) {
            try {
              TempFiles.deleteTree(entry);
            } catch (UncheckedIOException e) {
              // another run sweeping too, or not ours to delete after all: left as it is
            }
          }
        }
      }
    }
  }

  private static boolean ownedByUser(Path entry) {
    try {
      return Files.getOwner(entry, LinkOption.NOFOLLOW_LINKS).getName().equals(USER);
    } catch (IOException e) {
      return false; // gone meanwhile
    }
  }
}

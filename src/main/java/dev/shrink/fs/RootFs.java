package dev.shrink.fs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * An unpacked root filesystem seen with the eyes of a process inside the image: absolute image
 * paths ("/usr/bin/python3") map into the host directory, and symbolic links are followed the way
 * the kernel would follow them inside a chroot, never leaving the root.
 */
public final class RootFs {
  private static final int MAX_LINKS = 40;

  private final Path dir;

  public RootFs(Path dir) {
    this.dir = dir.toAbsolutePath().normalize();
  }

  public Path dir() {
    return dir;
  }

  /** The host path of an image path, lexically, without following any link. */
  public Path host(String imagePath) {
    String normal = normalize(imagePath);
    return normal.equals("/") ? dir : dir.resolve(normal.substring(1));
  }

  /** An image path of a host path under {@link #dir()}. */
  public String imagePath(Path host) {
    Path rel = dir.relativize(host.toAbsolutePath().normalize());
    if (rel.startsWith("..")) {
      throw new IllegalArgumentException(host + " is outside the root " + dir);
    }
    return "/" + rel.toString().replace('\\', '/');
  }

  /**
   * Follows every symbolic link in {@code imagePath} inside the root. Returns the real image path
   * and the links passed on the way (each one must be kept for the path to keep working), or
   * empty when the path does not exist or the links loop.
   */
  public Optional<Resolved> resolve(String imagePath) {
    Deque<String> todo = new ArrayDeque<>(components(imagePath));
    List<String> links = new ArrayList<>();
    String current = "/";
    int hops = 0;
    while (!todo.isEmpty()) {
      String part = todo.pollFirst();
      if (part.equals("..")) {
        current = parent(current);
        continue;
      }
      String candidate = current.equals("/") ? "/" + part : current + "/" + part;
      Path host = host(candidate);
      if (Files.isSymbolicLink(host)) {
        if (++hops > MAX_LINKS) {
          return Optional.empty();
        }
        if (!links.contains(candidate)) {
          links.add(candidate);
        }
        String target = readLink(host);
        List<String> targetParts = components(target);
        for (int i = targetParts.size() - 1; i >= 0; i--) {
          todo.addFirst(targetParts.get(i));
        }
        if (target.startsWith("/")) {
          current = "/";
        }
        continue;
      }
      if (!Files.exists(host, LinkOption.NOFOLLOW_LINKS)) {
        return Optional.empty();
      }
      current = candidate;
    }
    return Optional.of(new Resolved(current, List.copyOf(links)));
  }

  public boolean isRegularFile(String imagePath) {
    return resolve(imagePath).map(r -> Files.isRegularFile(host(r.path()), LinkOption.NOFOLLOW_LINKS)).orElse(false);
  }

  public boolean isDirectory(String imagePath) {
    return resolve(imagePath).map(r -> Files.isDirectory(host(r.path()), LinkOption.NOFOLLOW_LINKS)).orElse(false);
  }

  /** Names in a directory (after resolving links to it), sorted; empty when it is not a directory. */
  public List<String> list(String imagePath) {
    Optional<Resolved> r = resolve(imagePath);
    if (r.isEmpty() || !Files.isDirectory(host(r.get().path()), LinkOption.NOFOLLOW_LINKS)) {
      return List.of();
    }
    try (Stream<Path> s = Files.list(host(r.get().path()))) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Image paths matching a glob ({@code *} within a name, {@code **} across directories), found
   * without following links; a pattern with no glob characters is returned when it exists.
   */
  public List<String> glob(String pattern) {
    String normal = normalize(pattern);
    int star = indexOfGlob(normal);
    if (star < 0) {
      return Files.exists(host(normal), LinkOption.NOFOLLOW_LINKS) ? List.of(normal) : List.of();
    }
    String base = parent(normal.substring(0, star + 1));
    Optional<Resolved> start = resolve(base);
    if (start.isEmpty()) {
      return List.of();
    }
    java.nio.file.PathMatcher matcher = java.nio.file.FileSystems.getDefault().getPathMatcher("glob:" + normal);
    String realBase = start.get().path();
    try (Stream<Path> walk = Files.walk(host(realBase))) {
      return walk.map(p -> {
            String image = imagePath(p);
            return base.equals(realBase) ? image : base + image.substring(realBase.length());
          })
          .filter(p -> matcher.matches(Path.of(p)))
          .sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static int indexOfGlob(String s) {
    for (int i = 0; i < s.length(); i++) {
      if ("*?[{".indexOf(s.charAt(i)) >= 0) {
        return i;
      }
    }
    return -1;
  }

  /** Reads a whole file (following links inside the root). */
  public byte[] read(String imagePath) throws IOException {
    Resolved r = resolve(imagePath).orElseThrow(() -> new NoSuchFileException(imagePath));
    return Files.readAllBytes(host(r.path()));
  }

  /** Normalizes an image path lexically: absolute, no "." or empty parts, ".." clamped at "/". */
  public static String normalize(String imagePath) {
    Deque<String> out = new ArrayDeque<>();
    for (String part : components(imagePath)) {
      if (part.equals("..")) {
        out.pollLast();
      } else {
        out.addLast(part);
      }
    }
    return "/" + String.join("/", out);
  }

  /** Parent of a normalized image path; the parent of "/" is "/". */
  public static String parent(String imagePath) {
    int slash = imagePath.lastIndexOf('/');
    return slash <= 0 ? "/" : imagePath.substring(0, slash);
  }

  private static List<String> components(String path) {
    List<String> parts = new ArrayList<>();
    for (String p : path.split("/")) {
      if (!p.isEmpty() && !p.equals(".")) {
        parts.add(p);
      }
    }
    return parts;
  }

  private static String readLink(Path link) {
    try {
      return Files.readSymbolicLink(link).toString();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A path with its links followed: {@code path} is real, {@code links} were passed on the way. */
  public record Resolved(String path, List<String> links) {}
}

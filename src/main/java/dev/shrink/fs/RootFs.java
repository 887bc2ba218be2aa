package dev.shrink.fs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * An unpacked root filesystem seen with the eyes of a process inside the image: absolute image
 * paths ("/usr/bin/python3") map into the host directory, and symbolic links are followed the way
 * the kernel would follow them inside a chroot, never leaving the root.
 *
 * <p>A view may have mounts ({@link #withMount}): a host directory or file seen at an image path,
 * like a bind mount. Every method honours them, and links inside a mount are followed in the
 * image's view, so a link in a mounted directory may lead out of it into the root.
 */
public final class RootFs {
  private static final int MAX_LINKS = 40;

  private final Path dir;
  /** Longest image path first, so the innermost mount wins. */
  private final List<Mount> mounts;

  /** A host file or directory (links followed) seen at the image path {@code imagePath}. */
  public record Mount(String imagePath, Path host) {}

  public RootFs(Path dir) {
    this(dir.toAbsolutePath().normalize(), List.of());
  }

  private RootFs(Path dir, List<Mount> mounts) {
    this.dir = dir;
    this.mounts = mounts;
  }

  public Path dir() {
    return dir;
  }

  /** The mounts of this view, innermost first. */
  public List<Mount> mounts() {
    return mounts;
  }

  /**
   * This view with the host file or directory {@code host} seen at {@code imagePath}, hiding what
   * the view had there (the root's own files are not touched). The host path is taken with its
   * links followed, as a bind mount of a link mounts its target. The mount point's parent must be
   * a directory of this view; links on the way to it are followed, so the mount lands where a
   * process would look for it. Mounting at an existing mount point replaces that mount.
   *
   * @throws IllegalArgumentException when {@code imagePath} is "/", its parent is not a directory
   *     of the view, or {@code host} does not exist
   */
  public RootFs withMount(String imagePath, Path host) {
    String normal = normalize(imagePath);
    if (normal.equals("/")) {
      throw new IllegalArgumentException("cannot mount " + host + " over the root /");
    }
    Path real;
    try {
      real = host.toRealPath();
    } catch (IOException e) {
      throw new IllegalArgumentException(host + " does not exist");
    }
    String parent = parent(normal);
    Resolved p = resolve(parent).filter(r -> Files.isDirectory(host(r.path()), LinkOption.NOFOLLOW_LINKS))
        .orElseThrow(() -> new IllegalArgumentException("cannot mount " + host + " at " + normal + ": " + parent + " is not a directory"));
    String point = child(p.path(), normal.substring(normal.lastIndexOf('/') + 1));
    List<Mount> all = new ArrayList<>(mounts);
    all.removeIf(m -> m.imagePath().equals(point));
    all.add(new Mount(point, real));
    all.sort(Comparator.comparingInt((Mount m) -> m.imagePath().length()).reversed().thenComparing(Mount::imagePath));
    return new RootFs(dir, List.copyOf(all));
  }

  /** The host path of an image path, lexically, without following any link. */
  public Path host(String imagePath) {
    String normal = normalize(imagePath);
    for (Mount m : mounts) {
      if (normal.equals(m.imagePath())) {
        return m.host();
      }
      if (normal.startsWith(m.imagePath() + "/")) {
        return m.host().resolve(normal.substring(m.imagePath().length() + 1));
      }
    }
    return normal.equals("/") ? dir : dir.resolve(normal.substring(1));
  }

  /**
   * The image path of a host path under {@link #dir()} or under a mount. A host path that is both
   * (a mounted directory inside the root's directory) is taken as the mount's; the innermost
   * mount's when mounts nest on the host.
   */
  public String imagePath(Path host) {
    Path h = host.toAbsolutePath().normalize();
    Mount best = null;
    for (Mount m : mounts) {
      if (h.startsWith(m.host()) && (best == null || m.host().getNameCount() > best.host().getNameCount())) {
        best = m;
      }
    }
    if (best != null) {
      String rel = best.host().relativize(h).toString().replace('\\', '/');
      return rel.isEmpty() ? best.imagePath() : best.imagePath() + "/" + rel;
    }
    Path rel = dir.relativize(h);
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
    return listReal(r.get().path());
  }

  /** Names in a real (link-free) directory of the view, mount points included, sorted. */
  private List<String> listReal(String realDir) {
    java.util.TreeSet<String> names = new java.util.TreeSet<>();
    try (Stream<Path> s = Files.list(host(realDir))) {
      s.forEach(p -> names.add(p.getFileName().toString()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    for (Mount m : mounts) {
      if (parent(m.imagePath()).equals(realDir)) {
        names.add(m.imagePath().substring(m.imagePath().lastIndexOf('/') + 1));
      }
    }
    return List.copyOf(names);
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
    List<String> found = new ArrayList<>();
    walk(realBase, found);
    return found.stream()
        .map(image -> base.equals(realBase) ? image : base + image.substring(realBase.length()))
        .filter(p -> matcher.matches(Path.of(p)))
        .sorted().toList();
  }

  /** {@code realPath} and, for a directory, everything below it (mounts included), links not followed. */
  private void walk(String realPath, List<String> out) {
    out.add(realPath);
    if (!Files.isDirectory(host(realPath), LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    for (String name : listReal(realPath)) {
      walk(child(realPath, name), out);
    }
  }

  private static String child(String dir, String name) {
    return dir.equals("/") ? "/" + name : dir + "/" + name;
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

  /** True when {@code path} is {@code dir} or below it (image paths, normalized). */
  public static boolean under(String path, String dir) {
    return path.equals(dir) || dir.equals("/") || path.startsWith(dir + "/");
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

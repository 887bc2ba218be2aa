package dev.shrink.fs;

import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** The conventions of a Linux system and of container engines that minify, build and the Python analysis act on, in one place. */
public final class SystemPaths {
  /** PATH when an image sets none: the one Docker and podman give a container. */
  public static final String DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

  /** Where container engines mount a tmpfs: files kept there are hidden at run time, a mount point there too. */
  public static final List<String> TMPFS = List.of("/tmp", "/var/tmp", "/run", "/dev/shm");

  /** Directories that hold the operating system's own files: a WORKDIR here is not the application's directory. */
  public static final Set<String> OS_DIRS = Set.of("/usr", "/etc", "/bin", "/sbin", "/lib", "/lib64", "/var", "/tmp", "/root",
      "/home", "/proc", "/sys", "/dev", "/run", "/usr/bin", "/usr/lib", "/usr/local", "/usr/share", "/usr/sbin");

  /**
   * The OS directories and the machine's mount and install points ({@code /opt}, {@code /srv}, {@code /mnt}, ...): never a
   * host project's directory, nor a mount point in a built image. (An image's WORKDIR may well be {@code /opt} or
   * {@code /srv}: those hold applications.)
   */
  public static final Set<String> SYSTEM_DIRS = Stream.concat(OS_DIRS.stream(),
      Stream.of("/boot", "/lib32", "/libx32", "/media", "/mnt", "/opt", "/srv", "/snap")).collect(Collectors.toUnmodifiableSet());

  /** Whole trees that are the kernel's or the running system's, not files. */
  public static final List<String> VIRTUAL = List.of("/proc", "/sys", "/dev", "/run");

  private SystemPaths() {}

  /**
   * True for a directory of {@link #SYSTEM_DIRS}, anything under a {@link #VIRTUAL} tree, and a
   * directory right under {@code /usr} or {@code /var} ({@code /usr/include}, {@code /var/lib}):
   * never a host project's directory, nor a mount point in a built image ({@code path} normalized).
   */
  public static boolean isSystemDir(String path) {
    return SYSTEM_DIRS.contains(path) || VIRTUAL.stream().anyMatch(v -> RootFs.under(path, v))
        || (path.startsWith("/usr/") || path.startsWith("/var/")) && path.chars().filter(ch -> ch == '/').count() == 2;
  }

  /** PATH lookup as execvp does it, inside the image. */
  public static Optional<String> which(RootFs root, String name, Map<String, String> env, String workdir) {
    if (name.contains("/")) {
      String path = name.startsWith("/") ? name : (workdir.endsWith("/") ? workdir : workdir + "/") + name;
      return root.isRegularFile(path) ? Optional.of(RootFs.normalize(path)) : Optional.empty();
    }
    for (String dir : env.getOrDefault("PATH", DEFAULT_PATH).split(":")) {
      String candidate = (dir.isEmpty() ? workdir : dir) + "/" + name;
      if (root.isRegularFile(candidate) && root.resolve(candidate).map(r -> Files.isExecutable(root.host(r.path()))).orElse(false)) {
        return Optional.of(RootFs.normalize(candidate));
      }
    }
    return Optional.empty();
  }
}

package dev.shrink.probe;

import dev.shrink.elf.ElfFile;
import dev.shrink.elf.LibraryResolver;
import dev.shrink.fs.RootFs;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The host's strace, carried into a container read-only: the binary, its ELF interpreter and its
 * library closure (computed by {@link LibraryResolver} on the host root) are bind-mounted under
 * {@link #DIR}, and strace is started through that interpreter with {@code --library-path}, so
 * nothing of the image (its libc, its loader) is used by strace and nothing is installed in it.
 */
public final class HostStrace {
  /** The private directory in the container. */
  public static final String DIR = "/.shrink-probe";
  /** Where the trace goes (a writable bind mount). */
  public static final String OUT = DIR + "/out";

  /** Calls that name files; only successful ones are kept by {@link StraceParser}. */
  static final String CALLS = "open,openat,openat2,execve,execveat,stat,lstat,newfstatat,statx,access,faccessat,faccessat2,readlink,readlinkat,chdir";

  private final String strace;
  private final Map<String, String> mounts;

  private HostStrace(String strace, Map<String, String> mounts) {
    this.strace = strace;
    this.mounts = mounts;
  }

  /** Finds strace on the host's PATH and its closure; a clear error when it is missing. */
  public static HostStrace find() throws IOException {
    String binary = null;
    for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(File.pathSeparator)) {
      if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, "strace"))) {
        binary = Path.of(dir, "strace").toRealPath().toString();
        break;
      }
    }
    if (binary == null) {
      throw new IOException("tracing needs strace on the host (apt-get install strace); it is not on PATH");
    }
    RootFs host = new RootFs(Path.of("/"));
    Map<String, String> mounts = new LinkedHashMap<>();
    mounts.put(binary, DIR + "/strace");
    ElfFile elf = ElfFile.parse(Path.of(binary)).orElseThrow(() -> new IOException("the host's strace is not an ELF file"));
    String interp = elf.interpreter().orElseThrow(() -> new IOException("the host's strace is statically linked; not supported yet"));
    mounts.put(Path.of(interp).toRealPath().toString(), DIR + "/ld.so");
    LibraryResolver.Closure closure = new LibraryResolver(host).resolve(binary);
    if (!closure.missing().isEmpty()) {
      throw new IOException("the host's strace misses libraries: " + closure.missing());
    }
    for (LibraryResolver.Loaded lib : closure.objects()) {
      String real = Path.of(lib.realPath()).toRealPath().toString();
      if (real.equals(binary) || lib.name() == null || lib.name().contains("/")) {
        continue;
      }
      mounts.putIfAbsent(real, DIR + "/lib/" + lib.name());
    }
    return new HostStrace(binary, mounts);
  }

  /** {@code -v HOST:CONTAINER:ro} for strace and its libraries, and the writable output directory. */
  public List<String> runOptions(Path outDir) {
    List<String> args = new ArrayList<>();
    mounts.forEach((hostPath, inside) -> args.addAll(List.of("-v", hostPath + ":" + inside + ":ro")));
    args.addAll(List.of("-v", outDir.toAbsolutePath() + ":" + OUT));
    return args;
  }

  /** The command that runs {@code argv} under strace inside the container. */
  public List<String> command(List<String> argv) {
    List<String> cmd = new ArrayList<>(List.of(DIR + "/ld.so", "--library-path", DIR + "/lib", DIR + "/strace"));
    cmd.addAll(options(OUT + "/trace"));
    cmd.addAll(argv);
    return cmd;
  }

  /** The command that runs {@code argv} under strace on this machine, no container, writing the trace to {@code trace}. */
  public List<String> hostCommand(Path trace, List<String> argv) {
    List<String> cmd = new ArrayList<>(List.of(strace));
    cmd.addAll(options(trace.toAbsolutePath().toString()));
    cmd.addAll(argv);
    return cmd;
  }

  private static List<String> options(String trace) {
    return List.of("-f", "-qq", "-y", "--seccomp-bpf", "-e", "trace=" + CALLS, "-o", trace, "--");
  }

  public String binary() {
    return strace;
  }
}

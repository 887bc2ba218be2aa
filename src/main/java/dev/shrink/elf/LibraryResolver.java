package dev.shrink.elf;

import dev.shrink.closure.Analyser;
import dev.shrink.closure.Requirement;
import dev.shrink.fs.RootFs;
import dev.shrink.json.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Computes the shared libraries an ELF file of an image loads, the way glibc's ld.so would find
 * them, without running anything: a pure function of the {@link RootFs} and the image environment,
 * in the spirit of pax-utils {@code lddtree}.
 *
 * <p>Search order for a DT_NEEDED name without a slash, as in glibc's {@code _dl_map_object}:
 * DT_RPATH of the loading object and then of the objects that loaded it (only when the loading
 * object has no DT_RUNPATH; an object with DT_RUNPATH contributes no DT_RPATH), LD_LIBRARY_PATH,
 * DT_RUNPATH of the loading object only, the directories of {@code /etc/ld.so.conf} (parsed, with
 * {@code include} globs; ld.so.cache is not read), then the default directories. The last two are
 * skipped when the loading object has DF_1_NODEFLIB. A library found in a directory only
 * ld.so.conf names requires {@code /etc/ld.so.cache} too (when the image has one): ld.so finds it
 * only through that cache. A name already loaded, by name or SONAME, is
 * not searched again. Candidates of another ELF class, byte order or machine are skipped.
 *
 * <p>{@code $ORIGIN} is the directory of the path an object was found at (ld.so does not resolve
 * symlinks for libraries), except for the main program, whose origin comes from the kernel's
 * {@code /proc/self/exe} and so is its real path.
 *
 * <p>Not thread-safe; one instance caches parsed files and ld.so.conf for its root.
 */
public final class LibraryResolver {
  private static final String KNOWLEDGE = "/knowledge/elf-runtime.json";
  private static final List<RuntimeLibrary> RUNTIME = loadKnowledge();
  private static final String LD_SO_CACHE = "/etc/ld.so.cache";

  private final RootFs root;
  private final List<String> ldLibraryPath;
  private final List<String> ldPreload;
  private final Map<String, Optional<ElfFile>> parsed = new HashMap<>();
  private List<String> confDirs;

  /** A resolver for the image {@code root} with an empty environment. */
  public LibraryResolver(RootFs root) {
    this(root, Map.of());
  }

  /**
   * A resolver for the image {@code root}; {@code env} is the image's environment, of which
   * {@code LD_LIBRARY_PATH} and {@code LD_PRELOAD} are used.
   */
  public LibraryResolver(RootFs root, Map<String, String> env) {
    this.root = root;
    this.ldLibraryPath = split(env.getOrDefault("LD_LIBRARY_PATH", ""), ":;");
    this.ldPreload = split(env.getOrDefault("LD_PRELOAD", ""), ": \t");
  }

  /**
   * One object of the closure.
   *
   * @param name the name it was asked for (DT_NEEDED value, PT_INTERP path, or the root path)
   * @param path the image path it was found at, links not followed
   * @param realPath {@code path} with every link followed
   * @param reason why it is loaded, e.g. {@code NEEDED libssl.so.3 by /usr/lib/.../_ssl.so}
   */
  public record Loaded(String name, String path, String realPath, String reason) {}

  /**
   * A library ld.so would fail to find.
   *
   * @param name the DT_NEEDED (or PT_INTERP, LD_PRELOAD) value
   * @param neededBy image path of the object that asked for it
   * @param searched the candidate directories (or paths) that were tried, in order
   */
  public record Missing(String name, String neededBy, List<String> searched) {}

  /**
   * The result of {@link #resolve}.
   *
   * @param objects every object loaded, root first, in load order
   * @param missing libraries that were not found
   * @param requirements every real file and every symlink passed to reach them, deduplicated, as
   *     {@link Requirement}s with analyser {@code "elf"}
   */
  public record Closure(List<Loaded> objects, List<Missing> missing, List<Requirement> requirements) {}

  /**
   * Resolves the closure of the ELF file at {@code imagePath}: the file itself, its interpreter,
   * preloads, every DT_NEEDED transitively, and the run-time libraries glibc loads without a
   * DT_NEEDED entry (listed in {@code knowledge/elf-runtime.json}) when they are present.
   *
   * @throws NoSuchFileException when {@code imagePath} does not exist in the root
   * @throws IllegalArgumentException when it is not an ELF file
   * @throws IOException when it, or a candidate library, cannot be read or is malformed
   */
  public Closure resolve(String imagePath) throws IOException {
    RootFs.Resolved resolved =
        root.resolve(imagePath).orElseThrow(() -> new NoSuchFileException(imagePath));
    ElfFile elf = parse(resolved.path())
        .orElseThrow(() -> new IllegalArgumentException(imagePath + " is not an ELF file"));
    return new Walk(elf).run(RootFs.normalize(imagePath), resolved);
  }

  /** One object in the simulated link map. */
  private static final class Obj {
    final String path;
    final String realPath;
    final ElfFile elf;
    final Obj loader;
    final String origin;
    final Set<String> names = new LinkedHashSet<>();

    Obj(String path, String realPath, ElfFile elf, Obj loader, String origin) {
      this.path = path;
      this.realPath = realPath;
      this.elf = elf;
      this.loader = loader;
      this.origin = origin;
    }
  }

  /** The state of one {@link #resolve} call: the link map being built. */
  private final class Walk {
    private final ElfFile main;
    private final List<Obj> loaded = new ArrayList<>();
    private final Map<String, Obj> byName = new HashMap<>();
    private final Map<String, Obj> byRealPath = new HashMap<>();
    private final Deque<Obj> queue = new ArrayDeque<>();
    private final List<Loaded> objects = new ArrayList<>();
    private final List<Missing> missing = new ArrayList<>();
    private final Map<String, Requirement> requirements = new LinkedHashMap<>();
    private String mainOrigin;

    Walk(ElfFile main) {
      this.main = main;
    }

    Closure run(String imagePath, RootFs.Resolved resolved) throws IOException {
      boolean program = main.interpreter().isPresent() || main.type() == ElfFile.ET_EXEC;
      // A program's $ORIGIN comes from /proc/self/exe (real path); a dlopened object's from its path.
      mainOrigin = RootFs.parent(program ? resolved.path() : imagePath);
      Obj top = add(imagePath, imagePath, resolved, main, null, mainOrigin, "analysed ELF " + imagePath);
      queue.add(top);
      if (program) {
        for (String name : ldPreload) {
          load(name, top, "LD_PRELOAD " + name + " of " + imagePath, false);
        }
        for (String name : etcPreload()) {
          load(name, top, "/etc/ld.so.preload lists " + name, false);
        }
      }
      if (main.interpreter().isPresent()) { // loaded first, so its SONAME satisfies libc's NEEDED
        String path = main.interpreter().get();
        loadPath(path, List.of(path), top, "PT_INTERP of " + imagePath, false);
      }
      drain();
      addRuntimeLibraries();
      return new Closure(List.copyOf(objects), List.copyOf(missing),
          List.copyOf(requirements.values()));
    }

    /** Breadth first, like _dl_map_object_deps: all NEEDED of one object before the next. */
    private void drain() throws IOException {
      while (!queue.isEmpty()) {
        Obj obj = queue.poll();
        for (String name : obj.elf.needed()) {
          load(name, obj, "NEEDED " + name + " by " + obj.path, false);
        }
      }
    }

    private void addRuntimeLibraries() throws IOException {
      boolean changed = true;
      while (changed) {
        changed = false;
        for (RuntimeLibrary lib : RUNTIME) {
          Optional<Obj> trigger =
              loaded.stream().filter(o -> lib.when().stream().anyMatch(o.names::contains)).findFirst();
          if (trigger.isPresent() && !byName.containsKey(lib.name())) {
            String reason = "RUNTIME " + lib.name() + " loaded by " + trigger.get().path
                + " without NEEDED: " + lib.reason();
            changed |= load(lib.name(), trigger.get(), reason, true) != null;
            drain();
          }
        }
      }
    }

    /** _dl_map_object: reuse a loaded object by name, else search; null when not found. */
    private Obj load(String name, Obj loader, String reason, boolean optional) throws IOException {
      Obj known = byName.get(name);
      if (known != null) {
        return known;
      }
      if (name.contains("/")) {
        List<String> paths = new ArrayList<>();
        for (String p : expand(name, loader.origin)) {
          if (p.startsWith("/")) {
            paths.add(p); // a relative path would depend on the working directory: not followed
          }
        }
        return loadPath(name, paths, loader, reason, optional);
      }
      List<String> dirs = searchPath(loader);
      List<String> paths = new ArrayList<>();
      for (String dir : dirs) {
        paths.add(dir.equals("/") ? "/" + name : dir + "/" + name);
      }
      Obj found = loadPath(name, paths, loader, reason, true);
      if (found == null && !optional) {
        missing.add(new Missing(name, loader.path, dirs));
      } else if (found != null) {
        requireCacheIfNeeded(name, found, loader, paths);
      }
      return found;
    }

    /**
     * ld.so never reads ld.so.conf: it finds a library in a directory only ld.so.conf names (not
     * RPATH, LD_LIBRARY_PATH, RUNPATH or a default directory) through ldconfig's cache, which the
     * image must then carry.
     */
    private void requireCacheIfNeeded(String name, Obj found, Obj loader, List<String> paths) {
      String path = paths.stream().filter(p -> root.resolve(p).map(r -> r.path().equals(found.realPath)).orElse(false))
          .findFirst().orElse(null);
      if (path == null || !root.isRegularFile(LD_SO_CACHE)) {
        return;
      }
      String dir = RootFs.parent(path);
      if (confDirs().contains(dir) && !explicitDirs(loader).contains(dir) && !defaultDirs(main).contains(dir)) {
        root.resolve(LD_SO_CACHE).ifPresent(r -> require(LD_SO_CACHE, r, "ld.so finds " + name + " (NEEDED by " + loader.path
            + ") in " + dir + ", a directory of /etc/ld.so.conf, only through ldconfig's cache", loader));
      }
    }

    /** Tries candidate paths in order, skipping what ld.so's open_verify would skip. */
    private Obj loadPath(String name, List<String> paths, Obj loader, String reason, boolean optional)
        throws IOException {
      for (String path : paths) {
        Optional<RootFs.Resolved> r = root.resolve(path);
        if (r.isEmpty() || !root.isRegularFile(r.get().path())) {
          continue;
        }
        Optional<ElfFile> elf = parse(r.get().path());
        if (elf.isEmpty() || !compatible(elf.get())) {
          continue;
        }
        Obj same = byRealPath.get(r.get().path());
        if (same != null) { // same file under another name: ld.so reuses it, the path still matters
          require(path, r.get(), reason, loader);
          byName.put(name, same);
          return same;
        }
        Obj obj = add(name, path, r.get(), elf.get(), loader, RootFs.parent(path), reason);
        queue.add(obj);
        return obj;
      }
      if (!optional) {
        missing.add(new Missing(name, loader.path, paths));
      }
      return null;
    }

    private Obj add(String name, String path, RootFs.Resolved r, ElfFile elf, Obj loader,
        String origin, String reason) {
      Obj obj = new Obj(path, r.path(), elf, loader, origin);
      obj.names.add(name);
      obj.names.add(path);
      elf.soname().ifPresent(obj.names::add);
      for (String n : obj.names) {
        byName.putIfAbsent(n, obj);
      }
      byRealPath.put(r.path(), obj);
      loaded.add(obj);
      objects.add(new Loaded(name, path, r.path(), reason));
      require(path, r, reason, loader);
      return obj;
    }

    /** Requires {@code path}, found as {@code r}, and the links on its way; {@code loader} (null: none) is the object that asked. */
    private void require(String path, RootFs.Resolved r, String reason, Obj loader) {
      String from = loader == null ? null : loader.path;
      for (String link : r.links()) {
        requirements.putIfAbsent(link, new Requirement(link, Analyser.ELF,
            "symlink on the way from " + path + " to " + r.path() + ": " + reason, from));
      }
      requirements.putIfAbsent(r.path(), new Requirement(r.path(), Analyser.ELF, reason, from));
    }

    private boolean compatible(ElfFile elf) {
      return elf.elfClass() == main.elfClass()
          && elf.byteOrder().equals(main.byteOrder())
          && elf.machine() == main.machine();
    }

    /** The directories searched for a name NEEDED by {@code loader}, in glibc's order. */
    private List<String> searchPath(Obj loader) {
      Set<String> dirs = new LinkedHashSet<>(explicitDirs(loader));
      if ((loader.elf.flags1() & ElfFile.DF_1_NODEFLIB) == 0) {
        dirs.addAll(confDirs());
        dirs.addAll(defaultDirs(main));
      }
      dirs.removeIf(d -> !d.startsWith("/"));
      return List.copyOf(dirs);
    }

    /** The directories the objects and the environment name: RPATH, LD_LIBRARY_PATH, RUNPATH. */
    private Set<String> explicitDirs(Obj loader) {
      Set<String> dirs = new LinkedHashSet<>();
      if (loader.elf.runpath().isEmpty()) {
        for (Obj l = loader; l != null; l = l.loader) {
          if (l.elf.runpath().isEmpty() && l.elf.rpath().isPresent()) {
            dirs.addAll(expandAll(l.elf.rpath().get(), l.origin));
          }
        }
      }
      for (String dir : ldLibraryPath) {
        dirs.addAll(expand(dir, mainOrigin));
      }
      loader.elf.runpath().ifPresent(rp -> dirs.addAll(expandAll(rp, loader.origin)));
      return dirs;
    }

    private List<String> expandAll(String path, String origin) {
      List<String> out = new ArrayList<>();
      for (String element : split(path, ":")) {
        out.addAll(expand(element, origin));
      }
      return out;
    }

    /**
     * Expands $ORIGIN, $LIB and $PLATFORM (bare or in braces). $LIB has several possible values
     * (it depends on how glibc was configured), so all are returned, most specific first.
     */
    private List<String> expand(String element, String origin) {
      List<String> out = new ArrayList<>(List.of(""));
      int i = 0;
      while (i < element.length()) {
        char c = element.charAt(i);
        Token t = c == '$' ? Token.at(element, i) : null;
        List<String> values;
        if (t == null) {
          values = List.of(String.valueOf(c));
          i++;
        } else {
          values = switch (t.name) {
            case "ORIGIN" -> List.of(origin);
            case "LIB" -> libValues(main);
            default -> platform(main).map(List::of).orElse(List.of());
          };
          i = t.end;
        }
        List<String> next = new ArrayList<>();
        for (String prefix : out) {
          for (String v : values) {
            next.add(prefix + v);
          }
        }
        out = next;
      }
      List<String> clean = new ArrayList<>();
      for (String s : out) {
        String c = s.replaceAll("/+", "/");
        clean.add(c.length() > 1 && c.endsWith("/") ? c.substring(0, c.length() - 1) : c);
      }
      return clean;
    }
  }

  /** A dynamic string token at a '$': its name and the index after it. */
  private record Token(String name, int end) {
    static Token at(String s, int dollar) {
      for (String name : List.of("ORIGIN", "PLATFORM", "LIB")) {
        if (s.startsWith("{" + name + "}", dollar + 1)) {
          return new Token(name, dollar + name.length() + 3);
        }
        int end = dollar + 1 + name.length();
        if (s.startsWith(name, dollar + 1)
            && (end == s.length() || !(Character.isLetterOrDigit(s.charAt(end)) || s.charAt(end) == '_'))) {
          return new Token(name, end);
        }
      }
      return null;
    }
  }

  private Optional<ElfFile> parse(String realPath) throws IOException {
    Optional<ElfFile> cached = parsed.get(realPath);
    if (cached == null) {
      cached = ElfFile.parse(root.host(realPath));
      parsed.put(realPath, cached);
    }
    return cached;
  }

  private List<String> etcPreload() throws IOException {
    if (!root.isRegularFile("/etc/ld.so.preload")) {
      return List.of();
    }
    return split(new String(root.read("/etc/ld.so.preload"), StandardCharsets.UTF_8), ": \t\n");
  }

  /** Directories of /etc/ld.so.conf and its includes, in file order, without duplicates. */
  List<String> confDirs() {
    if (confDirs == null) {
      Set<String> dirs = new LinkedHashSet<>();
      parseConf("/etc/ld.so.conf", dirs, new LinkedHashSet<>());
      confDirs = List.copyOf(dirs);
    }
    return confDirs;
  }

  private void parseConf(String file, Set<String> dirs, Set<String> seen) {
    Optional<RootFs.Resolved> r = root.resolve(file);
    if (r.isEmpty() || !root.isRegularFile(file) || !seen.add(r.get().path())) {
      return; // absent, or already read: include cycles end here
    }
    String text;
    try {
      text = new String(root.read(file), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    for (String line : text.split("\n")) {
      int hash = line.indexOf('#');
      line = (hash >= 0 ? line.substring(0, hash) : line).strip();
      if (line.isEmpty()) {
        continue;
      }
      if (line.matches("include[ \t].*")) {
        for (String pattern : split(line.substring(8), " \t")) {
          String abs = pattern.startsWith("/") ? pattern : RootFs.parent(file) + "/" + pattern;
          for (String match : glob(RootFs.normalize(abs))) {
            parseConf(match, dirs, seen);
          }
        }
      } else if (!line.toLowerCase().matches("hwcap[ \t].*")) {
        int eq = line.indexOf('='); // old "dir=TYPE" syntax
        String dir = RootFs.normalize(eq >= 0 ? line.substring(0, eq).strip() : line);
        dirs.add(dir);
      }
    }
  }

  /** POSIX-like glob of an absolute image path: sorted, wildcards never match a leading dot. */
  private List<String> glob(String pattern) {
    List<String> current = List.of("/");
    for (String part : split(pattern, "/")) {
      List<String> next = new ArrayList<>();
      boolean wild = part.matches(".*[*?\\[].*");
      PathMatcher m = wild
          ? FileSystems.getDefault().getPathMatcher("glob:" + part.replace("{", "\\{").replace("}", "\\}"))
          : null;
      for (String dir : current) {
        String prefix = dir.equals("/") ? "/" : dir + "/";
        if (!wild) {
          if (root.resolve(prefix + part).isPresent()) {
            next.add(prefix + part);
          }
          continue;
        }
        for (String name : root.list(dir)) {
          if ((!name.startsWith(".") || part.startsWith(".")) && m.matches(Path.of(name))) {
            next.add(prefix + name);
          }
        }
      }
      current = next;
    }
    return current;
  }

  /** glibc's built-in trusted directories for the machine, multiarch first. */
  static List<String> defaultDirs(ElfFile elf) {
    List<String> dirs = new ArrayList<>();
    multiarch(elf).ifPresent(t -> dirs.addAll(List.of("/lib/" + t, "/usr/lib/" + t)));
    if (elf.elfClass() == 64) {
      dirs.addAll(List.of("/lib64", "/usr/lib64"));
    }
    dirs.addAll(List.of("/lib", "/usr/lib"));
    return dirs;
  }

  /** The Debian multiarch triplet for the file's machine, when known. */
  static Optional<String> multiarch(ElfFile elf) {
    boolean le = elf.byteOrder().equals(ByteOrder.LITTLE_ENDIAN);
    return Optional.ofNullable(switch (elf.machine()) {
      case ElfFile.EM_X86_64 -> elf.elfClass() == 64 ? "x86_64-linux-gnu" : "x86_64-linux-gnux32";
      case ElfFile.EM_AARCH64 -> le ? "aarch64-linux-gnu" : "aarch64_be-linux-gnu";
      case ElfFile.EM_386 -> "i386-linux-gnu";
      case ElfFile.EM_ARM -> "arm-linux-gnueabihf";
      case 21 -> le ? "powerpc64le-linux-gnu" : "powerpc64-linux-gnu"; // EM_PPC64
      case 22 -> "s390x-linux-gnu"; // EM_S390
      case 243 -> "riscv64-linux-gnu"; // EM_RISCV
      default -> null;
    });
  }

  /** Values $LIB can have depending on the glibc build: multiarch, lib64, lib. */
  private static List<String> libValues(ElfFile elf) {
    List<String> values = new ArrayList<>();
    multiarch(elf).ifPresent(t -> values.add("lib/" + t));
    if (elf.elfClass() == 64) {
      values.add("lib64");
    }
    values.add("lib");
    return values;
  }

  /** $PLATFORM, the AT_PLATFORM the kernel reports for the machine (best effort). */
  private static Optional<String> platform(ElfFile elf) {
    return Optional.ofNullable(switch (elf.machine()) {
      case ElfFile.EM_X86_64 -> "x86_64";
      case ElfFile.EM_AARCH64 -> "aarch64";
      case ElfFile.EM_386 -> "i686";
      default -> null;
    });
  }

  /** Splits on any of {@code separators}, dropping empty parts. */
  private static List<String> split(String s, String separators) {
    List<String> out = new ArrayList<>();
    StringBuilder part = new StringBuilder();
    for (char c : (s + separators.charAt(0)).toCharArray()) {
      if (separators.indexOf(c) >= 0) {
        if (!part.isEmpty()) {
          out.add(part.toString());
        }
        part.setLength(0);
      } else {
        part.append(c);
      }
    }
    return out;
  }

  /** An entry of knowledge/elf-runtime.json. */
  record RuntimeLibrary(String name, List<String> when, String reason) {
    RuntimeLibrary {
      if (name == null || when == null || when.isEmpty() || reason == null || reason.isBlank()) {
        throw new IllegalArgumentException("an entry needs a name, \"when\" libraries and a reason");
      }
      when = List.copyOf(when);
    }
  }

  private record RuntimeKnowledge(List<RuntimeLibrary> libraries) {}

  private static List<RuntimeLibrary> loadKnowledge() {
    return List.copyOf(Json.resource(KNOWLEDGE, RuntimeKnowledge.class).libraries());
  }
}

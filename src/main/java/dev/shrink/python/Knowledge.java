package dev.shrink.python;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.shrink.json.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What static analysis cannot see in a library (modules loaded by computed names, files read at
 * run time), as data: one JSON file per library under {@code knowledge/python/}, each listed in
 * {@code knowledge/python/index.txt}. A rule fires when its {@code when} module is in the closure.
 *
 * <pre>{@code
 * {"library": "gunicorn",
 *  "rules": [{"when": "gunicorn.config",
 *             "imports": [{"module": "gunicorn.workers.sync", "reason": "default worker, loaded by name"},
 *                         {"module": "gunicorn.workers.ggevent", "ifAvailable": "gevent", "reason": "..."}],
 *             "files": [{"path": "/etc/mime.types", "optional": true, "reason": "..."}]}]}
 * }</pre>
 *
 * A file may also list {@code "redirects": [{"from": "pkg_resources.extern", "to": ["pkg_resources._vendor", ""],
 * "reason": "..."}]} for import hooks that serve one package's names from another.
 *
 * And {@code "ignores": [{"importer": "pickle", "module": "doctest", "reason": "only pickle._test() uses it"}]}
 * for imports that only serve interactive use, self-tests or tooling; {@code "unread": [{"package":
 * "email", "file": "architecture.rst", "reason": "..."}]} for files in a package's directory that
 * no code reads (package data is kept otherwise).
 *
 * <p>An import is followed when found; a missing one is reported unless {@code optional}; with
 * {@code ifAvailable} it is followed only when that module exists on sys.path. A file path ending
 * in {@code /**} means the whole directory tree.
 */
public final class Knowledge {
  static final String DIR = "knowledge/python/";

  /** A hidden import. */
  public record Import(String module, boolean optional, String ifAvailable, String reason) {
    public Import {
      required(module, "module");
      required(reason, "reason");
    }
  }

  /** An extra file (image path). */
  public record File(String path, boolean optional, String reason) {
    public File {
      required(path, "path");
      required(reason, "reason");
    }
  }

  /** What to add when {@code when} is in the closure; {@code library} names the knowledge file. */
  public record Rule(String library, String when, List<Import> imports, List<File> files) {
    public Rule {
      required(when, "when");
      imports = imports == null ? List.of() : List.copyOf(imports);
      files = files == null ? List.of() : List.copyOf(files);
    }

    Rule in(String lib) {
      return new Rule(lib, when, imports, files);
    }
  }

  /**
   * An import hook that serves modules under {@code from} from other places, tried in order
   * ("" means top level), e.g. {@code pkg_resources.extern.X} from {@code pkg_resources._vendor.X} or {@code X}.
   */
  public record Redirect(String library, String from, List<String> to, String reason) {
    public Redirect {
      required(from, "from");
      required(reason, "reason");
      to = to == null ? List.of() : List.copyOf(to);
    }

    Redirect in(String lib) {
      return new Redirect(lib, from, to, reason);
    }
  }

  /**
   * An import written in {@code importer} that does not need following: it only runs for
   * interactive use, self-tests or tooling (e.g. pickle's {@code _test()} importing doctest); with
   * {@code whenAvailable}, only when that other module is there (a fallback of a C accelerator).
   */
  public record Ignore(String library, String importer, String module, String whenAvailable, String reason) {
    public Ignore {
      required(importer, "importer");
      required(module, "module");
      required(reason, "reason");
    }

    Ignore in(String lib) {
      return new Ignore(lib, importer, module, whenAvailable, reason);
    }
  }

  /** A file shipped in a package's directory that no code reads (e.g. the email package's design notes). */
  public record Unread(String library, @JsonProperty("package") String pkg, String file, String reason) {
    public Unread {
      required(pkg, "package");
      required(file, "file");
      required(reason, "reason");
    }

    Unread in(String lib) {
      return new Unread(lib, pkg, file, reason);
    }
  }

  /**
   * One knowledge file as written; every entry is stamped with the file's {@code library} name (an
   * entry's own {@code library} field, if one writes it, is overwritten).
   */
  record Library(String library, String about, List<Rule> rules, List<Redirect> redirects, List<Ignore> ignores,
      List<Unread> unread) {
    Library {
      required(library, "library");
      String lib = library;
      rules = rules == null ? List.of() : rules.stream().map(r -> r.in(lib)).toList();
      redirects = redirects == null ? List.of() : redirects.stream().map(r -> r.in(lib)).toList();
      ignores = ignores == null ? List.of() : ignores.stream().map(i -> i.in(lib)).toList();
      unread = unread == null ? List.of() : unread.stream().map(u -> u.in(lib)).toList();
    }
  }

  private final Map<String, List<Rule>> byTrigger = new HashMap<>();
  private final List<Redirect> redirects = new ArrayList<>();
  private final List<Ignore> ignores = new ArrayList<>();
  private final List<Unread> unread = new ArrayList<>();

  private Knowledge(List<Library> libraries) {
    for (Library l : libraries) {
      l.rules().forEach(r -> byTrigger.computeIfAbsent(r.when(), k -> new ArrayList<>()).add(r));
      redirects.addAll(l.redirects());
      ignores.addAll(l.ignores());
      unread.addAll(l.unread());
    }
  }

  /** Every knowledge file listed in the index resource. */
  public static Knowledge load() {
    return new Knowledge(index().stream().map(f -> Json.resource("/" + DIR + f, Library.class)).toList());
  }

  /** Knowledge from the given JSON documents only (for tests and callers with their own data). */
  public static Knowledge of(String... json) {
    return new Knowledge(Arrays.stream(json).map(j -> Json.strict(j, Library.class, "knowledge")).toList());
  }

  /** No knowledge at all. */
  public static Knowledge none() {
    return new Knowledge(List.of());
  }

  /** Rules triggered by the module {@code name}. */
  public List<Rule> rulesFor(String name) {
    return byTrigger.getOrDefault(name, List.of());
  }

  /** The names a module {@code name} may really be found under, by the redirects; empty if none applies. */
  public List<Redirected> redirect(String name) {
    List<Redirected> out = new ArrayList<>();
    for (Redirect r : redirects) {
      if (name.startsWith(r.from() + ".")) {
        String rest = name.substring(r.from().length() + 1);
        for (String to : r.to()) {
          out.add(new Redirected(to.isEmpty() ? rest : to + "." + rest, r));
        }
      }
    }
    return out;
  }

  /** The ignore rule for importing {@code module} (or a submodule of it) from {@code importer}, if any. */
  public java.util.Optional<Ignore> ignored(String importer, String module) {
    return ignores.stream()
        .filter(i -> i.importer().equals(importer))
        .filter(i -> module.equals(i.module()) || module.startsWith(i.module() + "."))
        .findFirst();
  }

  /** True when no code reads the file {@code file} (a name) of package {@code pkg}'s directory. */
  public boolean unread(String pkg, String file) {
    return unread.stream().anyMatch(u -> u.pkg().equals(pkg) && u.file().equals(file));
  }

  /** One alternative name for a redirected module. */
  public record Redirected(String name, Redirect by) {}

  /** The JSON file names listed in the index resource. */
  static List<String> index() {
    List<String> files = new ArrayList<>();
    for (String line : read(DIR + "index.txt").split("\n")) {
      String l = line.strip();
      if (!l.isEmpty() && !l.startsWith("#")) {
        files.add(l);
      }
    }
    return files;
  }

  private static void required(String value, String field) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException("missing \"" + field + "\"");
    }
  }

  private static String read(String resource) {
    try (InputStream in = Knowledge.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("resource " + resource + " is missing");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}

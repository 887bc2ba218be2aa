package dev.shrink.python;

import dev.shrink.image.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;

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
  public record Import(String module, boolean optional, String ifAvailable, String reason) {}

  /** An extra file (image path). */
  public record File(String path, boolean optional, String reason) {}

  /** What to add when {@code when} is in the closure; {@code library} names the knowledge file. */
  public record Rule(String library, String when, List<Import> imports, List<File> files) {}

  /**
   * An import hook that serves modules under {@code from} from other places, tried in order
   * ("" means top level), e.g. {@code pkg_resources.extern.X} from {@code pkg_resources._vendor.X} or {@code X}.
   */
  public record Redirect(String library, String from, List<String> to, String reason) {}

  /**
   * An import written in {@code importer} that does not need following: it only runs for
   * interactive use, self-tests or tooling (e.g. pickle's {@code _test()} importing doctest); with
   * {@code whenAvailable}, only when that other module is there (a fallback of a C accelerator).
   */
  public record Ignore(String library, String importer, String module, String whenAvailable, String reason) {}

  /** A file shipped in a package's directory that no code reads (e.g. the email package's design notes). */
  public record Unread(String library, String pkg, String file, String reason) {}

  private final Map<String, List<Rule>> byTrigger = new HashMap<>();
  private final List<Redirect> redirects = new ArrayList<>();
  private final List<Ignore> ignores = new ArrayList<>();
  private final List<Unread> unread = new ArrayList<>();

  private Knowledge(List<Object> items) {
    for (Object o : items) {
      if (o instanceof Rule r) {
        byTrigger.computeIfAbsent(r.when(), k -> new ArrayList<>()).add(r);
      } else if (o instanceof Ignore i) {
        ignores.add(i);
      } else if (o instanceof Unread u) {
        unread.add(u);
      } else {
        redirects.add((Redirect) o);
      }
    }
  }

  /** Every knowledge file listed in the index resource. */
  public static Knowledge load() {
    List<Object> rules = new ArrayList<>();
    for (String file : index()) {
      rules.addAll(parse(read(DIR + file)));
    }
    return new Knowledge(rules);
  }

  /** Knowledge from the given JSON documents only (for tests and callers with their own data). */
  public static Knowledge of(String... json) {
    List<Object> rules = new ArrayList<>();
    for (String j : json) {
      rules.addAll(parse(j));
    }
    return new Knowledge(rules);
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

  static List<Object> parse(String json) {
    JsonNode root = Json.MAPPER.readTree(json);
    String library = text(root, "library", "?");
    List<Object> rules = new ArrayList<>();
    for (JsonNode i : root.path("ignores")) {
      rules.add(new Ignore(library, required(i, "importer", library), required(i, "module", library),
          i.path("whenAvailable").asString(null), required(i, "reason", library)));
    }
    for (JsonNode u : root.path("unread")) {
      rules.add(new Unread(library, required(u, "package", library), required(u, "file", library), required(u, "reason", library)));
    }
    for (JsonNode r : root.path("redirects")) {
      List<String> to = new ArrayList<>();
      for (JsonNode t : r.path("to")) {
        to.add(t.asString());
      }
      rules.add(new Redirect(library, required(r, "from", library), List.copyOf(to), required(r, "reason", library)));
    }
    for (JsonNode r : root.path("rules")) {
      String when = text(r, "when", null);
      if (when == null) {
        throw new IllegalArgumentException("knowledge " + library + ": a rule without \"when\"");
      }
      List<Import> imports = new ArrayList<>();
      for (JsonNode i : r.path("imports")) {
        imports.add(new Import(required(i, "module", library), i.path("optional").asBoolean(false),
            text(i, "ifAvailable", null), required(i, "reason", library)));
      }
      List<File> files = new ArrayList<>();
      for (JsonNode f : r.path("files")) {
        files.add(new File(required(f, "path", library), f.path("optional").asBoolean(false),
            required(f, "reason", library)));
      }
      rules.add(new Rule(library, when, List.copyOf(imports), List.copyOf(files)));
    }
    return rules;
  }

  private static String required(JsonNode n, String field, String library) {
    String v = text(n, field, null);
    if (v == null || v.isBlank()) {
      throw new IllegalArgumentException("knowledge " + library + ": missing \"" + field + "\" in " + n);
    }
    return v;
  }

  private static String text(JsonNode n, String field, String dflt) {
    JsonNode v = n.get(field);
    return v == null || v.isNull() ? dflt : v.asString();
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

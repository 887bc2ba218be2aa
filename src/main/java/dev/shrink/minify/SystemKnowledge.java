package dev.shrink.minify;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.shrink.closure.Analyser;
import dev.shrink.closure.Requirement;
import dev.shrink.fs.RootFs;
import dev.shrink.json.Json;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** System files no analyser can see (CA bundle, tz database, locale data), as data: {@code knowledge/system.json}. */
final class SystemKnowledge {
  private static final Pattern VARIABLE = Pattern.compile("\\$\\{(\\w+)}");

  /** Its triggers all hold for it to apply; it keeps the paths its {@code include} globs name. */
  record Rule(When when, List<String> include, String reason) {
    Rule {
      if (when == null || (when.path() == null && when.module() == null && when.env() == null && !when.cLocale())) {
        throw new IllegalArgumentException("a rule without a trigger");
      }
      if (reason == null || reason.isBlank()) {
        throw new IllegalArgumentException("missing \"reason\"");
      }
      include = include == null ? List.of() : List.copyOf(include);
    }
  }

  /** {@code cLocale}: the image's environment leaves LC_CTYPE at C. */
  record When(String path, String module, String env, @JsonProperty("c_locale") boolean cLocale) {}

  private record Document(String comment, List<Rule> rules) {}

  private final List<Rule> rules;

  private SystemKnowledge(List<Rule> rules) {
    this.rules = rules;
  }

  static SystemKnowledge load() {
    return new SystemKnowledge(List.copyOf(Json.resource("/knowledge/system.json", Document.class).rules()));
  }

  /**
   * What the rules add, given the kept paths, the Python modules in the closure (with {@code
   * moduleFile}, a module's file or null) and the image env.
   */
  List<Requirement> apply(RootFs root, Set<String> paths, Set<String> modules, Function<String, String> moduleFile, Map<String, String> env) {
    List<Requirement> out = new ArrayList<>();
    for (Rule rule : rules) {
      Trigger trigger = triggered(rule, paths, modules, moduleFile, env);
      if (trigger == null) {
        continue;
      }
      for (String include : rule.include()) {
        String expanded = expand(include, env);
        if (expanded == null) {
          continue;
        }
        for (String path : root.glob(expanded)) {
          out.add(new Requirement(path, Analyser.KNOWLEDGE, rule.reason() + " (system.json: " + trigger.why() + ")", trigger.file()));
        }
      }
    }
    return out;
  }

  /** What triggered a rule, and the kept file that did (the path, or the module's file), or null (the env). */
  private record Trigger(String why, String file) {}

  /** What triggered the rule, or null when one of its triggers does not hold. */
  private static Trigger triggered(Rule r, Set<String> paths, Set<String> modules, Function<String, String> moduleFile,
      Map<String, String> env) {
    When rule = r.when();
    List<String> why = new ArrayList<>();
    String file = null;
    if (rule.path() != null) {
      PathMatcher m = FileSystems.getDefault().getPathMatcher("glob:" + rule.path());
      Optional<String> kept = paths.stream().filter(p -> m.matches(Path.of(p))).findFirst();
      if (kept.isEmpty()) {
        return null;
      }
      why.add("kept " + kept.get());
      file = kept.get();
    }
    if (rule.module() != null) {
      if (!modules.contains(rule.module())) {
        return null;
      }
      why.add("imports " + rule.module());
      file = file != null ? file : moduleFile.apply(rule.module());
    }
    if (rule.env() != null) {
      String v = env.get(rule.env());
      if (v == null || v.isEmpty() || cOrPosix(v)) {
        return null;
      }
      why.add(rule.env() + "=" + v);
    }
    if (rule.cLocale()) {
      if (!cLocale(env)) {
        return null;
      }
      why.add("LC_CTYPE is the C locale");
    }
    return why.isEmpty() ? null : new Trigger(String.join(", ", why), file);
  }

  /**
   * Whether the environment leaves the C library's LC_CTYPE at the C locale: LC_ALL unset, and
   * LC_CTYPE (or else LANG) unset, C or POSIX. CPython 3.7+ then coerces it to C.UTF-8 (PEP 538).
   */
  static boolean cLocale(Map<String, String> env) {
    if (!env.getOrDefault("LC_ALL", "").isEmpty()) {
      return false;
    }
    String ctype = env.getOrDefault("LC_CTYPE", "");
    String value = ctype.isEmpty() ? env.getOrDefault("LANG", "") : ctype;
    return value.isEmpty() || cOrPosix(value);
  }

  private static boolean cOrPosix(String locale) {
    return locale.equals("C") || locale.equals("POSIX");
  }

  private static String expand(String include, Map<String, String> env) {
    Matcher m = VARIABLE.matcher(include);
    StringBuilder sb = new StringBuilder();
    while (m.find()) {
      String v = env.get(m.group(1));
      if (v == null || v.contains("..")) {
        return null;
      }
      m.appendReplacement(sb, Matcher.quoteReplacement(v.replace(":", "")));
    }
    m.appendTail(sb);
    return sb.toString();
  }
}

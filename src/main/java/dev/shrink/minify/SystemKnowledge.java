package dev.shrink.minify;

import dev.shrink.closure.Requirement;
import dev.shrink.fs.RootFs;
import dev.shrink.image.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;

/** System files no analyser can see (CA bundle, tz database, locale data), as data: {@code knowledge/system.json}. */
final class SystemKnowledge {
  private static final Pattern VARIABLE = Pattern.compile("\\$\\{(\\w+)}");

  /** Its triggers ({@code cLocale}: the image's environment leaves LC_CTYPE at C) all hold for it to apply. */
  record Rule(String path, String module, String env, boolean cLocale, List<String> include, String reason) {}

  private final List<Rule> rules;

  private SystemKnowledge(List<Rule> rules) {
    this.rules = rules;
  }

  static SystemKnowledge load() {
    try (InputStream in = SystemKnowledge.class.getResourceAsStream("/knowledge/system.json")) {
      if (in == null) {
        throw new IllegalStateException("knowledge/system.json is missing from the jar");
      }
      JsonNode doc = Json.parse(in.readAllBytes(), "knowledge/system.json");
      List<Rule> rules = new ArrayList<>();
      for (JsonNode r : doc.path("rules").values()) {
        JsonNode when = r.path("when");
        rules.add(new Rule(when.path("path").asString(null), when.path("module").asString(null), when.path("env").asString(null),
            when.path("c_locale").asBoolean(false), r.path("include").values().stream().map(JsonNode::asString).toList(), r.path("reason").asString()));
      }
      return new SystemKnowledge(rules);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** What the rules add, given the kept paths, the Python modules in the closure and the image env. */
  List<Requirement> apply(RootFs root, Set<String> paths, Set<String> modules, Map<String, String> env) {
    List<Requirement> out = new ArrayList<>();
    for (Rule rule : rules) {
      String trigger = triggered(rule, paths, modules, env);
      if (trigger == null) {
        continue;
      }
      for (String include : rule.include()) {
        String expanded = expand(include, env);
        if (expanded == null) {
          continue;
        }
        for (String path : root.glob(expanded)) {
          out.add(new Requirement(path, "knowledge", rule.reason() + " (system.json: " + trigger + ")"));
        }
      }
    }
    return out;
  }

  /** What triggered the rule, or null when one of its triggers does not hold. */
  private static String triggered(Rule rule, Set<String> paths, Set<String> modules, Map<String, String> env) {
    List<String> why = new ArrayList<>();
    if (rule.path() != null) {
      PathMatcher m = FileSystems.getDefault().getPathMatcher("glob:" + rule.path());
      Optional<String> kept = paths.stream().filter(p -> m.matches(Path.of(p))).findFirst();
      if (kept.isEmpty()) {
        return null;
      }
      why.add("kept " + kept.get());
    }
    if (rule.module() != null) {
      if (!modules.contains(rule.module())) {
        return null;
      }
      why.add("imports " + rule.module());
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
    return why.isEmpty() ? null : String.join(", ", why);
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

package dev.shrink.minify;

import java.util.Map;

/** Keeps the system files that what is kept needs (CA bundle, tz database, NSS, ...: {@link SystemKnowledge}). */
record KeepSystemFiles(Map<String, String> env) implements Step {
  @Override
  public void apply(Selection s) {
    s.files.addAll(SystemKnowledge.load().apply(s.files.root(), s.files.paths(), s.modules, env));
  }
}

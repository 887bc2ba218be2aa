package dev.shrink.minify;

import dev.shrink.python.ModuleFinder;
import dev.shrink.python.PyModule;
import java.util.Map;

/** Keeps the system files that what is kept needs (CA bundle, tz database, NSS, ...: {@link SystemKnowledge}). */
record KeepSystemFiles(Map<String, String> env) implements Step {
  @Override
  public void apply(Selection s) {
    ModuleFinder finder = s.python == null ? null : new ModuleFinder(s.files.root(), s.python.layout());
    s.files.addAll(SystemKnowledge.load().apply(s.files.root(), s.files.paths(), s.modules,
        module -> finder == null ? null : finder.find(module).map(PyModule::file).orElse(null), env));
  }
}

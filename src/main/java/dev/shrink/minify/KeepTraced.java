package dev.shrink.minify;

import dev.shrink.closure.Requirement;
import dev.shrink.python.PythonLayout;
import java.util.List;

/**
 * Keeps the paths a traced run saw; site.py's start-up hooks it loaded are left to the Python
 * analysis (see {@link PythonLayout#startupHook}).
 */
record KeepTraced(List<Requirement> traced) implements Step {
  @Override
  public void apply(Selection s) {
    PythonLayout layout = s.python == null ? null : s.python.layout();
    s.files.addAll(traced.stream().filter(r -> layout == null || !layout.startupHook(r.path())).toList());
  }
}

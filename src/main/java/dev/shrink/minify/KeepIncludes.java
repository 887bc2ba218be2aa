package dev.shrink.minify;

import dev.shrink.closure.Analyser;
import dev.shrink.closure.Requirement;
import java.util.List;

/** Keeps what the user asked for ({@code --include}); a pattern matching nothing in the image {@code name} is an error. */
record KeepIncludes(List<String> patterns, String name) implements Step {
  @Override
  public void apply(Selection s) {
    for (String pattern : patterns) {
      List<String> matches = s.files.root().glob(pattern);
      if (matches.isEmpty()) {
        throw new IllegalArgumentException("--include " + pattern + " matches nothing in " + name);
      }
      for (String p : matches) {
        s.files.add(new Requirement(p, Analyser.INCLUDE, "--include " + pattern));
      }
    }
  }
}

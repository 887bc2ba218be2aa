package dev.shrink.minify;

import dev.shrink.closure.Analyser;
import dev.shrink.closure.Requirement;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Drops the paths matching an exclude glob ({@code --exclude}), except those a repair added: a
 * failed verification proved the image needs them, which outweighs the wish to leave them out (a
 * warning says so).
 */
record DropExcluded(List<String> globs) implements Step {
  @Override
  public void apply(Selection s) {
    List<PathMatcher> excludes = globs.stream().map(g -> FileSystems.getDefault().getPathMatcher("glob:" + g)).toList();
    Set<String> drop = new HashSet<>();
    for (Map.Entry<String, List<Requirement>> e : s.files.reasons().entrySet()) {
      if (excludes.stream().anyMatch(m -> m.matches(Path.of(e.getKey())))) {
        if (e.getValue().stream().anyMatch(r -> r.analyser() == Analyser.REPAIR)) {
          s.problems.add("kept " + e.getKey() + " although an --exclude matches it: the shrunk image failed without it (repair)");
        } else {
          drop.add(e.getKey());
        }
      }
    }
    s.files = s.files.without(drop);
  }
}

package dev.shrink.minify;

import dev.shrink.closure.Analyser;
import dev.shrink.closure.Requirement;
import dev.shrink.fs.RootFs;
import java.util.List;

/** Keeps an image's application directories whole: they are the user's own. */
record KeepAppDirs(List<String> dirs) implements Step {
  @Override
  public void apply(Selection s) {
    RootFs root = s.files.root();
    for (String dir : dirs) {
      if (root.isDirectory(dir)) {
        for (String path : root.glob(dir + "/**")) {
          s.files.add(new Requirement(path, Analyser.APP, "application directory (WORKDIR " + dir + ")"));
        }
      }
    }
  }
}

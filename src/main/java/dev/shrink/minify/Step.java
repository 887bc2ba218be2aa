package dev.shrink.minify;

import dev.shrink.progress.Phases;
import java.io.IOException;

/** One step of minify: adds to what is kept, or narrows it, in a {@link Selection}. */
@FunctionalInterface
interface Step {
  void apply(Selection s) throws IOException;

  /** {@code step} as a phase of the command (see {@link Phases}). */
  static Step phase(String name, Step step) {
    return s -> Phases.time(name, () -> {
      step.apply(s);
      return null;
    });
  }
}

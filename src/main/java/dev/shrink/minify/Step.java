package dev.shrink.minify;

import java.io.IOException;

/** One step of minify: adds to what is kept, or narrows it, in a {@link Selection}. */
@FunctionalInterface
interface Step {
  void apply(Selection s) throws IOException;
}

package dev.shrink.minify;

import java.io.IOException;

/** Compiled modules replaced by their own sources where both ship ({@code --pure-python}, see {@link PurePython}). */
record SwapPurePython() implements Step {
  @Override
  public void apply(Selection s) throws IOException {
    if (s.python == null) {
      return;
    }
    PurePython.Result pure = PurePython.swap(s.files, s.python.layout().sysPath(), s.pycTag());
    s.files = pure.kept();
    pure.swapped().forEach((extension, source) ->
        s.dropped.put(extension, "compiled from " + source + ", which is kept instead (--pure-python)"));
  }
}

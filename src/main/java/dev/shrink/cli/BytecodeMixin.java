package dev.shrink.cli;

import dev.shrink.bytecode.Target;
import dev.shrink.minify.Minifier;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/** The options shared by {@code minify} and {@code build} on the form each module is kept in. */
final class BytecodeMixin {
  @Option(names = "--keep-sources", description = "Keep .py sources (readable tracebacks) instead of sourceless bytecode.")
  boolean keepSources;

  @Option(names = {"-O", "--optimize"}, paramLabel = "LEVEL", defaultValue = "0",
      description = "Bytecode optimisation level, as python -O / -OO: 1 drops asserts, 2 docstrings too (-O1, -O2; default ${DEFAULT-VALUE}). "
          + "Code that reads __doc__ at run time breaks at 2: check with --verify.")
  int optimize;

  @Option(names = "--pure-python", description = "Where a compiled module ships with its own Python source beside it (Cython builds "
      + "of pure-Python packages, like Debian's falcon), keep the source instead: a smaller image that behaves the same and runs "
      + "that module slower.")
  boolean purePython;

  @Option(names = "--keep-columns", description = "Keep the column positions (PEP 657) in sourceless bytecode, as the image's own "
      + "__pycache__ has them: a sourceless traceback has no source line to underline with them, so by default the image's "
      + "interpreter compiles without them (-X no_debug_ranges, Python 3.11+; about 30%% less compressed bytecode).")
  boolean keepColumns;

  /** The form of the modules these options ask for, checked (a usage error when they disagree). */
  Minifier.Bytecode bytecode(CommandLine.Model.CommandSpec spec) {
    try {
      return new Minifier.Bytecode(keepSources, new Target(optimize, keepColumns), purePython);
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
    }
  }
}

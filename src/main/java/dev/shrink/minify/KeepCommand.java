package dev.shrink.minify;

/** Keeps the programs the command runs, with the links on the way to them (see {@link RunCommand}). */
record KeepCommand(RunCommand run) implements Step {
  @Override
  public void apply(Selection s) {
    s.files.addAll(run.requirements());
  }
}

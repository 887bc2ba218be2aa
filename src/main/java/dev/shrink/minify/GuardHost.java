package dev.shrink.minify;

/** On a machine's root, drops its private files and what else is not the app's or the interpreter's (see {@link HostRoot#guard}). */
record GuardHost(HostRoot host) implements Step {
  @Override
  public void apply(Selection s) {
    s.files = host.guard(s.files, s.interpreterDirs, s.problems);
  }
}

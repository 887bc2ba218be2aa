package dev.shrink.minify;

/** On a machine's root, the problems of what is finally kept (see {@link HostRoot#check}). */
record CheckHost(HostRoot host) implements Step {
  @Override
  public void apply(Selection s) {
    host.check(s.files, s.outward, s.problems);
  }
}

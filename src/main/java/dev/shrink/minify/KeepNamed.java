package dev.shrink.minify;

/** On a machine's root (shrink build), keeps what the user named whole (see {@link HostRoot#keepNamed}). */
record KeepNamed(HostRoot host) implements Step {
  @Override
  public void apply(Selection s) {
    s.outward = host.keepNamed(s.files.root(), s.files);
  }
}

package dev.shrink.minify;

/** Keeps the WORKDIR directory, when the image has it. */
record KeepWorkdir(String workdir) implements Step {
  @Override
  public void apply(Selection s) {
    if (!s.files.contains(workdir) && s.files.root().isDirectory(workdir)) {
      s.files.add(Essentials.requirement(workdir, "WORKDIR"));
    }
  }
}

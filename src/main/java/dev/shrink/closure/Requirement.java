package dev.shrink.closure;

/**
 * One path of the source image that the output image needs, and why.
 *
 * @param path absolute image path, as the process inside the image names it
 * @param analyser who asked for it
 * @param reason one line a person can check: the file and line or the NEEDED entry that asked
 * @param from the image path of the file whose analysis asked for this one (the importing module,
 *     the ELF file whose NEEDED entry it is, the trigger of a knowledge rule, the link or target of
 *     a link chain), or null for a root (the command, the app directory, --include, a probe, the
 *     essentials, a repair)
 */
public record Requirement(String path, Analyser analyser, String reason, String from) {
  /** A root: nothing in the image asked for it. */
  public Requirement(String path, Analyser analyser, String reason) {
    this(path, analyser, reason, null);
  }
}

package dev.shrink.python;

/**
 * How the interpreter is started: {@code python SCRIPT}, {@code python -m MODULE} or
 * {@code python -c CODE}, from a working directory. A console script such as
 * {@code /usr/bin/gunicorn} is a {@link Mode#SCRIPT}.
 *
 * @param mode how the main code is given
 * @param target the script's image path, the module name, or the code
 * @param workdir absolute image path of the working directory
 */
public record Launch(Mode mode, String target, String workdir) {
  public enum Mode { SCRIPT, MODULE, CODE }

  public Launch {
    if (!workdir.startsWith("/")) {
      throw new IllegalArgumentException("workdir must be absolute: " + workdir);
    }
  }

  /** {@code python /app/app.py}; a relative script path is taken from {@code workdir}. */
  public static Launch script(String script, String workdir) {
    return new Launch(Mode.SCRIPT, script, workdir);
  }

  public static Launch script(String script) {
    return script(script, "/");
  }

  /** {@code python -m module} run from {@code workdir}. */
  public static Launch module(String module, String workdir) {
    return new Launch(Mode.MODULE, module, workdir);
  }

  /** {@code python -c code} run from {@code workdir}. */
  public static Launch code(String code, String workdir) {
    return new Launch(Mode.CODE, code, workdir);
  }

  /** The script as an absolute, lexically normal image path (only for {@link Mode#SCRIPT}). */
  public String scriptPath() {
    return target.startsWith("/") ? dev.shrink.fs.RootFs.normalize(target)
        : dev.shrink.fs.RootFs.normalize(workdir + "/" + target);
  }
}

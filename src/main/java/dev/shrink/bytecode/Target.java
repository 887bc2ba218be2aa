package dev.shrink.bytecode;

/**
 * The bytecode to make: the optimisation level ({@code python -O} / {@code -OO}: 0, 1 or 2) and
 * whether code objects keep their column positions (PEP 657, CPython 3.11 and later). Without a
 * source beside the bytecode, a traceback has no line to underline with them, so sourceless
 * bytecode leaves them out unless asked ({@code -X no_debug_ranges} at compile time).
 */
public record Target(int optimize, boolean columns) {
  public Target {
    if (optimize < 0 || optimize > 2) {
      throw new IllegalArgumentException("-O" + optimize + ": the optimisation level is 0, 1 or 2");
    }
  }

  public static Target defaults() {
    return new Target(0, false);
  }

  /** True when the interpreter of {@code version} ("3.11") writes column positions, which this target leaves out. */
  public boolean dropsColumnsOf(String version) {
    String[] v = version.split("\\.");
    int major = Integer.parseInt(v[0]);
    return !columns && (major > 3 || major == 3 && Integer.parseInt(v[1]) >= 11);
  }
}

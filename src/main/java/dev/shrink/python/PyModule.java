package dev.shrink.python;

import java.util.List;

/**
 * A module as the import system would find it.
 *
 * @param name absolute dotted name
 * @param kind how it is loaded
 * @param file image path of the file that is loaded (or, for a frozen module, its source kept on
 *     sys.path); null for built-in and namespace modules
 * @param isPackage true for regular and namespace packages
 * @param locations the package's {@code __path__} (directories); empty for plain modules
 */
public record PyModule(String name, Kind kind, String file, boolean isPackage, List<String> locations) {
  public enum Kind {
    /** {@code .py} */
    SOURCE,
    /** sourceless {@code .pyc} beside where the {@code .py} would be */
    BYTECODE,
    /** a shared object: {@code .cpython-311-x86_64-linux-gnu.so}, {@code .abi3.so}, {@code .so} */
    EXTENSION,
    /** a directory without {@code __init__}, possibly spread over several sys.path entries */
    NAMESPACE,
    /** compiled into the interpreter */
    BUILTIN,
    /**
     * frozen into the interpreter (3.11+: os, site, codecs, ...; the import system's own modules
     * in every version), which imports it from there unless frozen modules are off (the import
     * system's, always); its file is kept when present, and its imports are followed
     */
    FROZEN
  }

  public PyModule {
    locations = List.copyOf(locations);
  }

  /** The package relative imports in this module resolve against ("" for a top-level module). */
  public String packageName() {
    if (isPackage) {
      return name;
    }
    int dot = name.lastIndexOf('.');
    return dot < 0 ? "" : name.substring(0, dot);
  }
}

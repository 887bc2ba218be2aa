package dev.shrink.python;

import dev.shrink.fs.RootFs;
import dev.shrink.python.PyModule.Kind;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The data files of a regular package (templates, data, certificates), which code reads by path
 * beside the modules: every non-module file of its directory tree but test suites, sub-packages
 * (data of their own), metadata and what knowledge says no code reads.
 */
final class PackageData {
  /** Directories of test suites and caches, never data. */
  static final Set<String> TEST_DIRS = Set.of("test", "tests", "testing", "__pycache__");
  private static final Set<String> NOT_DATA_SUFFIXES = Set.of(".py", ".pyc", ".pyo", ".pyi", ".pyx", ".pxd", ".c", ".h");

  private final RootFs fs;
  private final ModuleFinder finder;
  private final Knowledge knowledge;

  PackageData(RootFs fs, ModuleFinder finder, Knowledge knowledge) {
    this.fs = fs;
    this.finder = finder;
    this.knowledge = knowledge;
  }

  /** The non-module files of a regular package, in directory order; none for other modules. */
  List<String> files(PyModule m) {
    List<String> out = new ArrayList<>();
    if (m.isPackage() && m.kind() != Kind.NAMESPACE && m.kind() != Kind.BUILTIN && !m.locations().isEmpty()) {
      dataFiles(m.locations().get(0), true, m.name(), out);
    }
    return out;
  }

  private void dataFiles(String dir, boolean packageDir, String pkg, List<String> out) {
    for (String n : finder.listing(dir)) {
      String p = dir + "/" + n;
      if (fs.isDirectory(p)) {
        boolean subpackage = finder.listing(p).stream().anyMatch(f -> f.startsWith("__init__."));
        if (!subpackage && !TEST_DIRS.contains(n) && !n.endsWith(".dist-info") && !n.endsWith(".egg-info")) {
          dataFiles(p, false, pkg, out);
        }
        continue;
      }
      if (!fs.isRegularFile(p) || n.equals("py.typed") || isModuleFile(n, packageDir) || (packageDir && knowledge.unread(pkg, n))) {
        continue;
      }
      out.add(p);
    }
  }

  private static boolean isModuleFile(String n, boolean packageDir) {
    int dot = n.lastIndexOf('.');
    if (dot >= 0 && NOT_DATA_SUFFIXES.contains(n.substring(dot))) {
      return true;
    }
    if (n.matches(".*\\.cpython-[0-9]+.*\\.so") || n.endsWith(".abi3.so")) {
      return true;
    }
    return packageDir && n.endsWith(".so") && !n.startsWith("lib");
  }
}

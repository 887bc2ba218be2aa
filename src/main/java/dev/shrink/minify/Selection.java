package dev.shrink.minify;

import dev.shrink.python.PythonAnalysis;
import dev.shrink.sbom.Inventory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * What minify has chosen so far, which each {@link Step} adds to or narrows: the kept files with
 * their reasons, the files shrink writes itself and the directories it makes, the paths it dropped
 * with why, the stdlib archive's members, the stripped ELF copies, problems, and what the steps
 * found that later steps read (the Python analysis, its modules, the interpreter's directories, the
 * run user).
 */
final class Selection {
  /** The kept files of the root, with why each is kept. */
  FileSet files;
  /** Files shrink writes (accounts, bytecode, the stdlib archive), by image path. */
  final Map<String, Path> written = new LinkedHashMap<>();
  /** Directories shrink makes, with their mode. */
  final Map<String, Integer> dirs = new LinkedHashMap<>();
  /** Paths an analyser kept that a later step dropped, with why. */
  final Map<String, String> dropped = new LinkedHashMap<>();
  /** The stdlib archive's members by archive path, if one is written. */
  Map<String, Map<String, StdlibZip.Member>> archives = Map.of();
  /** Stripped copies of kept ELF files, by image path. */
  Map<String, Path> stripped = Map.of();
  final List<String> problems = new ArrayList<>();
  /** The Python modules in the closure (system knowledge is triggered by some). */
  final Set<String> modules = new TreeSet<>();
  /** The interpreters' files and directories (a host root's guard keeps them). */
  final Set<String> interpreterDirs = new TreeSet<>();
  /** Kept paths whose ELF closure is resolved. */
  final Set<String> elfDone = new HashSet<>();
  /** The root's Debian packages (read by the last step, {@link WriteDpkgStatus}). */
  Inventory debs;
  /** The Python analysis of the command, or null when it runs no Python. */
  PythonAnalysis.Result python;
  /** The run user's account, once {@link AddRunUser} has run. */
  Essentials user;
  /** On a host root: links among what the user named that point out of it, kept without their targets. */
  List<String> outward = List.of();

  Selection(FileSet files) {
    this.files = files;
  }

  /** The bytecode tag of the analysed interpreter ({@code cpython-311}), or null when the command runs no Python. */
  String pycTag() {
    return python == null ? null : "cpython-" + python.layout().versionNoDot();
  }
}

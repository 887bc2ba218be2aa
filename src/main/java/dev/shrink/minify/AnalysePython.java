package dev.shrink.minify;

import dev.shrink.closure.Requirement;
import dev.shrink.fs.RootFs;
import dev.shrink.python.PythonAnalysis;
import dev.shrink.python.PythonCommandLine;
import java.util.List;
import java.util.Optional;

/**
 * The Python analysis of the first program of the command that is a Python interpreter: its
 * closure, modules and problems join the selection; every program up to it counts as the
 * interpreter's (a host root's guard keeps those).
 *
 * @param host the machine's root, or null for an image's
 * @param pythonFiles Python files a traced run saw loaded (they seed the import scanner)
 * @param traced the paths a traced run saw
 */
record AnalysePython(RunCommand run, HostRoot host, List<String> pythonFiles, List<Requirement> traced) implements Step {
  @Override
  public void apply(Selection s) {
    RootFs root = s.files.root();
    for (int i = 0; i < run.programs().size(); i++) {
      String program = run.programs().get(i);
      String real = root.resolve(program).map(RootFs.Resolved::path).orElse(program);
      s.interpreterDirs.add(program);
      s.interpreterDirs.add(real);
      if (PythonCommandLine.isInterpreter(real)) {
        List<String> appModules = host == null ? List.of() : host.appModules(root);
        Optional<PythonAnalysis.Result> found = PythonAnalysis.analyse(new PythonAnalysis.Input(root, program,
            run.interpreterArgs().get(i), run.env(), run.workdir(), appModules, pythonFiles, traced));
        if (found.isEmpty()) {
          s.problems.add("python is started without a script or module; nothing to analyse");
          return;
        }
        PythonAnalysis.Result python = found.get();
        s.python = python;
        s.interpreterDirs.addAll(python.interpreterDirs());
        s.files.addAll(python.requirements());
        s.modules.addAll(python.modules());
        s.problems.addAll(python.problems());
        return;
      }
    }
  }
}

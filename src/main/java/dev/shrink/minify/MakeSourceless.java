package dev.shrink.minify;

import dev.shrink.bytecode.Compiler;
import dev.shrink.bytecode.Target;
import dev.shrink.fs.RootFs;
import dev.shrink.python.PythonAnalysis;
import dev.shrink.python.PythonLayout;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Sourceless bytecode for the kept sources (see {@link Sourceless}), written into {@code
 * workDir/bytecode}, and the frozen modules' bytecode the interpreter never reads dropped. The
 * top-level {@code .py} files of the app directories stay sources: they are programs a user may
 * start ({@code cli.py}, {@code manage.py}).
 *
 * @param compiler runs the image's interpreter, or null (valid bytecode is kept, other modules as source)
 */
record MakeSourceless(Target bytecode, Compiler compiler, List<String> appDirs, Path workDir) implements Step {
  @Override
  public void apply(Selection s) throws IOException {
    PythonAnalysis.Result python = s.python;
    if (python == null) {
      return;
    }
    RootFs root = s.files.root();
    PythonLayout layout = python.layout();
    Set<String> frozen = python.frozenFiles(s.files.reasons());
    Sourceless.Interpreter interpreter = new Sourceless.Interpreter(python.interpreter(), layout.version(), layout.sysPath(),
        python.scripts());
    for (String dir : appDirs) {
      interpreter = interpreter.withScripts(root.glob(dir + "/*.py"));
    }
    Sourceless.Result sourceless = Sourceless.apply(s.files, interpreter, bytecode, compiler, workDir.resolve("bytecode"), s.problems);
    s.files = sourceless.kept();
    s.written.putAll(sourceless.moved());
    Map<String, String> unused = python.unusedBytecode(frozen, s.written.keySet(), sourceless.frozenModules());
    s.files = s.files.without(unused.keySet());
    s.written.keySet().removeAll(unused.keySet());
    s.dropped.putAll(unused);
  }
}

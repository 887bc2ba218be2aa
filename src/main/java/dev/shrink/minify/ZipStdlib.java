package dev.shrink.minify;

import dev.shrink.python.PythonLayout;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/** The standard library's kept bytecode moved into the interpreter's {@code pythonXY.zip} (see {@link StdlibZip}). */
record ZipStdlib(Path workDir, long epoch) implements Step {
  @Override
  public void apply(Selection s) throws IOException {
    if (s.python == null) {
      return;
    }
    PythonLayout layout = s.python.layout();
    Optional<StdlibZip.Result> zip = StdlibZip.apply(s.files, layout.stdlibZip(), layout.stdlibDir(), s.written,
        workDir.resolve("stdlib").resolve(Path.of(layout.stdlibZip()).getFileName()), epoch);
    if (zip.isPresent()) {
      s.files = zip.get().kept();
      s.archives = Map.of(zip.get().zip(), zip.get().members());
      s.written.keySet().removeAll(zip.get().members().keySet());
      s.written.put(zip.get().zip(), zip.get().file());
    }
  }
}

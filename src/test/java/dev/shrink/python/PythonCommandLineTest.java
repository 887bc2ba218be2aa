package dev.shrink.python;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The Python command line, read in one place, and the literal programs and paths of the app's code. */
class PythonCommandLineTest {
  @Test
  void pythonCommandLinesAreParsedLikeCPython() {
    assertThat(PythonCommandLine.parse(List.of("-u", "-X", "dev", "-m", "uvicorn", "app:app"), "/app").orElseThrow().launch().target()).isEqualTo("uvicorn");
    assertThat(PythonCommandLine.parse(List.of("-B", "app.py", "--port", "1"), "/srv").orElseThrow().launch().target()).isEqualTo("/srv/app.py");
    assertThat(PythonCommandLine.parse(List.of("-c", "import os"), "/").orElseThrow().programArgs()).isEmpty();
    assertThat(PythonCommandLine.parse(List.of("-i"), "/")).isEmpty();
    assertThat(PythonCommandLine.isInterpreter("/usr/bin/python3.11")).isTrue();
    assertThat(PythonCommandLine.isInterpreter("/usr/bin/pythonista")).isFalse();
  }

  @Test
  void onlyTheInterpretersOwnOptionsTurnFrozenModulesOff() {
    assertThat(PythonCommandLine.parse(List.of("-X", "frozen_modules=off", "app.py"), "/").orElseThrow().frozenModulesOff()).isTrue();
    assertThat(PythonCommandLine.parse(List.of("-Xfrozen_modules=off", "-m", "app"), "/").orElseThrow().frozenModulesOff()).isTrue();
    assertThat(PythonCommandLine.parse(List.of("app.py", "-X", "frozen_modules=off"), "/").orElseThrow().frozenModulesOff()).isFalse();
    assertThat(PythonCommandLine.parse(List.of("app.py"), "/").orElseThrow().frozenModulesOff()).isFalse();
  }

  @Test
  void programScannerFindsLiteralProgramsShellCommandsAndPaths() {
    String src = """
        import subprocess, os
        subprocess.run(["uname", "-s"])  # subprocess.run(["commented"])
        for argv in (["date", "-u"], ["hostname"]):
            pass
        subprocess.check_output("echo $((1+1)) | tr 0-9 a-j", shell=True)
        os.execvp("ls", ["ls"])
        open("/etc/ssl/app/server.crt")
        x = "not a /path inside"
        """;
    assertThat(ProgramScanner.programs(src)).contains("uname", "date", "hostname", "/bin/sh", "echo", "tr", "ls").doesNotContain("commented");
    assertThat(ProgramScanner.paths(src)).containsExactly("/etc/ssl/app/server.crt");
  }
}

package dev.shrink.transport;

import dev.shrink.testing.Podman;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** shrink as a process of its own (a JVM on the test's class path), its output in a log file: what a test kills or races. */
final class ShrinkProcess {
  private ShrinkProcess() {}

  /**
   * Starts {@code shrink ARGS...} with {@code env} added to the environment; {@code interpreted}
   * runs it with -Xint, which makes a few MiB take seconds.
   */
  static Process start(Path log, boolean interpreted, Map<String, String> env, String... args) throws IOException {
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
    if (interpreted) {
      command.add("-Xint");
    }
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), "dev.shrink.cli.Main"));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
    builder.environment().put("CONTAINERS_CONF", Podman.containersConf().toString());
    builder.environment().putAll(env);
    return builder.start();
  }
}

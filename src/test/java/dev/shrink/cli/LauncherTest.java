package dev.shrink.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code shrink} launcher script of the project, run as users run it, in a copy of the project
 * whose jar is up to date (so it builds nothing): a jar whose main prints the JVM's options, heap
 * cap and arguments stands in for shrink's.
 */
class LauncherTest {
  @TempDir Path project;

  /** The stand-in main: the JVM's input arguments, its maximum heap in MiB, then the arguments, one per line. */
  public static final class PrintJvm {
    public static void main(String[] args) {
      System.out.println(String.join(" ", ManagementFactory.getRuntimeMXBean().getInputArguments()));
      System.out.println(Runtime.getRuntime().maxMemory() >> 20);
      for (String a : args) {
        System.out.println("[" + a + "]");
      }
      System.exit(args.length > 0 && args[0].equals("fail") ? 3 : 0);
    }
  }

  @BeforeEach
  void standIn() throws IOException {
    Files.copy(Path.of("shrink"), project.resolve("shrink"));
    Manifest manifest = new Manifest();
    manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
    manifest.getMainAttributes().put(Attributes.Name.MAIN_CLASS, PrintJvm.class.getName());
    String entry = PrintJvm.class.getName().replace('.', '/') + ".class";
    try (OutputStream out = Files.newOutputStream(Files.createDirectories(project.resolve("target")).resolve("shrink.jar"));
        JarOutputStream jar = new JarOutputStream(out, manifest)) {
      jar.putNextEntry(new JarEntry(entry));
      try (var in = PrintJvm.class.getClassLoader().getResourceAsStream(entry)) {
        in.transferTo(jar);
      }
    }
  }

  record Result(int exit, List<String> lines) {}

  Result launch(Map<String, String> env, String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(project.resolve("shrink").toString()));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.environment().remove("SHRINK_JAVA_OPTS");
    pb.environment().putAll(env);
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    return new Result(p.exitValue(), out.lines().toList());
  }

  @Test
  void runsTheJarWithTheSerialCollectorAndACappedHeapPassingArgumentsAndExitCode() throws Exception {
    Result r = launch(Map.of(), "fail", "two words", "", "--x=*");
    assertThat(r.exit()).isEqualTo(3);
    assertThat(r.lines().get(0).split(" ")).contains("-XX:+UseSerialGC", "-Xmx192m");
    assertThat(Long.parseLong(r.lines().get(1))).isBetween(150L, 192L);
    assertThat(r.lines().subList(2, r.lines().size())).containsExactly("[fail]", "[two words]", "[]", "[--x=*]");
  }

  @Test
  void shrinkJavaOptsComeAfterTheDefaultsSoTheyRaiseTheCap() throws Exception {
    Result r = launch(Map.of("SHRINK_JAVA_OPTS", "-Xmx1g"), "ok");
    assertThat(r.exit()).isZero();
    assertThat(Long.parseLong(r.lines().get(1))).isGreaterThan(900L);
    assertThat(r.lines().get(2)).isEqualTo("[ok]");
  }

  @Test
  void runningOutOfMemorySaysHowToGiveMore() {
    String m = Main.message(new IOException("compression failed", new OutOfMemoryError("Java heap space")));
    assertThat(m).startsWith("out of memory (Java heap space, heap at most ").contains("SHRINK_JAVA_OPTS=-Xmx1g");
  }
}

package dev.shrink.build;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.shrink.testing.NeedsEngine;
import dev.shrink.testing.Podman;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * An app that loads an unstripped library (built here with gcc -g) through ctypes: stripped by default, smaller, and it still
 * runs; --no-strip keeps the library as it is.
 */
@NeedsEngine
class StripBuildTest {
  Path work;

  @AfterEach
  void clean() {
    BuildTesting.delete(work);
  }

  @Test
  void anUnstrippedLibraryIsStrippedAndStillLoads() throws Exception {
    Podman.assumeAvailable();
    assumeTrue(new ProcessBuilder("gcc", "--version").start().waitFor() == 0, "gcc is needed");
    work = BuildTesting.workArea("strip");
    Path proj = Files.createDirectories(work.resolve("proj"));
    Path c = Files.writeString(work.resolve("calc.c"), "static int twice(int x) { return 2 * x; }\nint calc(int a, int b) { return twice(a) + b; }\n");
    Process gcc = new ProcessBuilder("gcc", "-g", "-O0", "-shared", "-fPIC", "-o", proj.resolve("libcalc.so").toString(), c.toString())
        .inheritIO().start();
    assertThat(gcc.waitFor()).isZero();
    Files.writeString(proj.resolve("app.py"), """
        import ctypes
        print("calc", ctypes.CDLL("/app/libcalc.so").calc(20, 2))
        """);
    Path archive = work.resolve("strip.tar");
    Path report = work.resolve("report.json");
    String image = "localhost/layers-test/strip:latest";
    String err = BuildTesting.build(List.of("docker-archive:" + archive + ":layers-test/strip:latest", "--app", proj.toString(),
        "--report", report.toString(), "--", "app.py"));
    assertThat(err).contains("runtime").contains("app");
    JsonNode lib = BuildTesting.report(report).path("files").valueStream()
        .filter(f -> f.path("path").asString().equals("/app/libcalc.so")).findFirst().orElseThrow();
    assertThat(lib.path("size").asLong()).isLessThan(lib.path("strippedFrom").asLong());
    assertThat(lib.path("strippedFrom").asLong()).isEqualTo(Files.size(proj.resolve("libcalc.so")));
    Path kept = work.resolve("kept.json");
    BuildTesting.build(List.of("docker-archive:" + work.resolve("kept.tar") + ":layers-test/kept:latest", "--app", proj.toString(),
        "--no-strip", "--report", kept.toString(), "--", "app.py"));
    JsonNode unstripped = BuildTesting.report(kept).path("files").valueStream()
        .filter(f -> f.path("path").asString().equals("/app/libcalc.so")).findFirst().orElseThrow();
    assertThat(unstripped.path("size").asLong()).isEqualTo(Files.size(proj.resolve("libcalc.so")));
    assertThat(unstripped.has("strippedFrom")).isFalse();
    BuildTesting.load(archive, image);
    try {
      assertThat(BuildTesting.run(List.of(), image)).isEqualTo("calc 42\n");
    } finally {
      Podman.rmi(image);
    }
  }
}

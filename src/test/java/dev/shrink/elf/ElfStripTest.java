package dev.shrink.elf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Strips a real shared library and a program built with gcc -g, and checks the result with
 * binutils readelf (no .symtab, no .debug*, same program headers, same dynamic section and dynamic
 * symbols, no warnings) and by running it.
 */
class ElfStripTest {
  @TempDir Path tmp;

  @BeforeEach
  void tools() {
    assumeTrue(Tools.onPath("gcc") && Tools.onPath("readelf"), "gcc and readelf are needed");
  }

  @Test
  void strippedLibraryAndProgramStillRunAndKeepWhatTheLoaderReads() throws Exception {
    Path lib = Files.writeString(tmp.resolve("greet.c"), """
        #include <stdio.h>
        static int count;
        int greet(const char *name) { count++; return printf("hello %s %d\\n", name, count); }
        """);
    Path main = Files.writeString(tmp.resolve("main.c"), """
        int greet(const char *name);
        int main(int argc, char **argv) { greet(argc > 1 ? argv[1] : "nobody"); greet("again"); return 0; }
        """);
    Path so = tmp.resolve("libgreet.so");
    Path exe = tmp.resolve("main");
    Tools.run(List.of("gcc", "-g", "-O1", "-shared", "-fPIC", "-o", so.toString(), lib.toString()));
    Tools.run(List.of("gcc", "-g", "-o", exe.toString(), main.toString(), "-L" + tmp, "-lgreet", "-Wl,-rpath,$ORIGIN"));
    Path out = Files.createDirectories(tmp.resolve("out"));
    String before = Tools.run(List.of(exe.toString(), "world"));
    assertThat(before).isEqualTo("hello world 1\nhello again 2\n");

    for (Path f : List.of(so, exe)) {
      Path s = out.resolve(f.getFileName());
      assertThat(ElfStrip.strip(f, s)).as("stripped %s", f).isTrue();
      String sections = Tools.run(List.of("readelf", "-W", "-S", s.toString()));
      assertThat(sections).doesNotContain(".symtab", ".debug_", ".strtab ").contains(".dynsym", ".dynstr", ".shstrtab", ".text");
      String headers = Tools.run(List.of("readelf", "-W", "-h", "-l", "-d", "--dyn-syms", "-n", s.toString()));
      assertThat(headers).doesNotContainIgnoringCase("warning").doesNotContainIgnoringCase("error");
      assertThat(withoutSectionFields(headers)).isEqualTo(withoutSectionFields(
          Tools.run(List.of("readelf", "-W", "-h", "-l", "-d", "--dyn-syms", "-n", f.toString()))));
      assertThat(Files.size(s)).isLessThan(Files.size(f));
      ElfFile parsed = ElfFile.parse(s).orElseThrow();
      assertThat(parsed.hasSymtab()).isFalse();
      assertThat(parsed.hasDebugInfo()).isFalse();
      assertThat(ElfStrip.strip(s, tmp.resolve("again"))).as("nothing left to strip").isFalse();
    }
    out.resolve("main").toFile().setExecutable(true);
    assertThat(Tools.run(List.of(out.resolve("main").toString(), "world"))).isEqualTo(before);
  }

  @Test
  void filesWithNothingToStripAndNonElfFilesAreLeftAlone() throws Exception {
    Path src = Files.writeString(tmp.resolve("f.c"), "int f(int x) { return x + 1; }\n");
    Path stripped = tmp.resolve("libs.so");
    Tools.run(List.of("gcc", "-s", "-shared", "-fPIC", "-o", stripped.toString(), src.toString()));
    assertThat(ElfStrip.strip(stripped, tmp.resolve("x"))).isFalse();
    Path object = tmp.resolve("f.o");
    Tools.run(List.of("gcc", "-g", "-c", "-o", object.toString(), src.toString()));
    assertThat(ElfStrip.strip(object, tmp.resolve("x"))).as("relocatable objects are not touched").isFalse();
    assertThat(ElfStrip.strip(Files.writeString(tmp.resolve("script"), "#!/bin/sh\necho hi\n"), tmp.resolve("x"))).isFalse();
    assertThat(tmp.resolve("x")).doesNotExist();
  }

  /** readelf -h prints the section header offset, count and string table index, which stripping changes. */
  private static String withoutSectionFields(String readelf) {
    return readelf.lines().filter(l -> !l.contains("section headers") && !l.contains("Section header")
        && !l.contains("Number of section") && !l.startsWith("File:")).reduce("", (a, l) -> a + l + "\n");
  }
}

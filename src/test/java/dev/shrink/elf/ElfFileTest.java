package dev.shrink.elf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ElfFileTest {
  @TempDir Path tmp;

  @ParameterizedTest
  @ValueSource(strings = {
      "/usr/bin/python3.11",
      "/usr/lib/x86_64-linux-gnu/libssl.so.3",
      "/usr/lib/x86_64-linux-gnu/libc.so.6",
      "/usr/lib/python3.11/lib-dynload/_ssl.cpython-311-x86_64-linux-gnu.so",
      "/usr/lib/python3.11/lib-dynload/_sqlite3.cpython-311-x86_64-linux-gnu.so"})
  void hostFilesMatchReadelf(String file) throws Exception {
    ElfFile elf = ElfFile.parse(Path.of(file)).orElseThrow();
    Tools.ReadElf expected = Tools.readelf(Path.of(file));

    assertThat(elf.needed()).isNotEmpty().isEqualTo(expected.needed());
    assertThat(elf.soname()).isEqualTo(expected.soname());
    assertThat(elf.rpath()).isEqualTo(expected.rpath());
    assertThat(elf.runpath()).isEqualTo(expected.runpath());
    assertThat(elf.interpreter()).isEqualTo(expected.interpreter());
    assertThat(elf.elfClass()).isEqualTo(64);
    assertThat(elf.byteOrder()).isEqualTo(ByteOrder.LITTLE_ENDIAN);
    assertThat(elf.machine()).isEqualTo(ElfFile.EM_X86_64);
  }

  @Test
  void knownValuesOfHostFiles() throws Exception {
    ElfFile python = ElfFile.parse(Path.of("/usr/bin/python3.11")).orElseThrow();
    assertThat(python.interpreter()).contains("/lib64/ld-linux-x86-64.so.2");
    assertThat(python.needed()).contains("libc.so.6");
    ElfFile ssl = ElfFile.parse(Path.of("/usr/lib/x86_64-linux-gnu/libssl.so.3")).orElseThrow();
    assertThat(ssl.soname()).contains("libssl.so.3");
    assertThat(ssl.type()).isEqualTo(ElfFile.ET_DYN);
    assertThat(ssl.needed()).containsExactly("libcrypto.so.3", "libc.so.6");
  }

  @Test
  void symbolTableAndDebugSectionsAreSeenAndGoneAfterStrip() throws Exception {
    assumeTrue(Tools.onPath("gcc"), "gcc is not installed");
    Path src = Files.writeString(tmp.resolve("f.c"), "int f(int x) { return x + 1; }\n");
    Path debug = tmp.resolve("libdebug.so");
    Path stripped = tmp.resolve("libstripped.so");
    Tools.run(List.of("gcc", "-g", "-shared", "-fPIC", "-o", debug.toString(), src.toString()));
    Tools.run(List.of("gcc", "-s", "-shared", "-fPIC", "-o", stripped.toString(), src.toString()));
    String sections = Tools.run(List.of("readelf", "-W", "-S", debug.toString()));
    assertThat(sections).contains(".symtab", ".debug_info");

    ElfFile d = ElfFile.parse(debug).orElseThrow();
    assertThat(d.hasSymtab()).isTrue();
    assertThat(d.hasDebugInfo()).isTrue();
    ElfFile s = ElfFile.parse(stripped).orElseThrow();
    assertThat(s.hasSymtab()).isFalse();
    assertThat(s.hasDebugInfo()).isFalse();
  }

  @Test
  void nonElfFilesAreEmpty() throws Exception {
    assertThat(ElfFile.parse(Files.writeString(tmp.resolve("libc.so"), "/* GNU ld script */\nGROUP ( libc.so.6 )\n")))
        .isEmpty();
    assertThat(ElfFile.parse(Files.write(tmp.resolve("empty"), new byte[0]))).isEmpty();
    assertThat(ElfFile.parse(Files.write(tmp.resolve("three"), new byte[] {0x7f, 'E', 'L'}))).isEmpty();
  }

  @Test
  void truncatedElfThrowsNamingTheFile() throws Exception {
    byte[] ssl = Files.readAllBytes(Path.of("/usr/lib/x86_64-linux-gnu/libssl.so.3"));
    for (int length : new int[] {10, 40, 200, ssl.length / 2, ssl.length - 1}) {
      Path cut = Files.write(tmp.resolve("cut-" + length + ".so"), Arrays.copyOf(ssl, length));
      assertThatThrownBy(() -> ElfFile.parse(cut))
          .as("cut at %d bytes", length)
          .isInstanceOf(ElfFile.MalformedException.class)
          .hasMessageContaining(cut.toString())
          .hasMessageContaining("malformed ELF");
    }
  }

  @Test
  void handWritten32BitAndBigEndianFilesMatchReadelf() throws Exception {
    for (ByteOrder order : List.of(ByteOrder.LITTLE_ENDIAN, ByteOrder.BIG_ENDIAN)) {
      for (int elfClass : new int[] {32, 64}) {
        byte[] bytes = TinyElf.build(elfClass, order, ElfFile.EM_AARCH64, "libtiny.so.1",
            List.of("libone.so", "libtwo.so.2"), "$ORIGIN/../lib:/opt/x", "/lib/ld-tiny.so.1");
        Path file = Files.write(tmp.resolve("tiny-" + elfClass + "-" + order + ".so"), bytes);

        ElfFile elf = ElfFile.parse(file).orElseThrow();
        assertThat(elf.elfClass()).isEqualTo(elfClass);
        assertThat(elf.byteOrder()).isEqualTo(order);
        assertThat(elf.machine()).isEqualTo(ElfFile.EM_AARCH64);
        assertThat(elf.needed()).containsExactly("libone.so", "libtwo.so.2");
        assertThat(elf.soname()).contains("libtiny.so.1");
        assertThat(elf.runpath()).contains("$ORIGIN/../lib:/opt/x");
        assertThat(elf.rpath()).isEmpty();
        assertThat(elf.interpreter()).contains("/lib/ld-tiny.so.1");
        assertThat(elf.hasSymtab()).isFalse();

        Tools.ReadElf expected = Tools.readelf(file);
        assertThat(elf.needed()).isEqualTo(expected.needed());
        assertThat(elf.soname()).isEqualTo(expected.soname());
        assertThat(elf.runpath()).isEqualTo(expected.runpath());
        assertThat(elf.interpreter()).isEqualTo(expected.interpreter());
      }
    }
  }

  @Test
  void stringTableOutsideEverySegmentIsMalformed() throws Exception {
    byte[] bytes = TinyElf.build(64, ByteOrder.LITTLE_ENDIAN, ElfFile.EM_X86_64, "libx.so",
        List.of(), null, null);
    // Second PT_LOAD (program header 1) gets a vaddr far away: DT_STRTAB maps to nothing.
    java.nio.ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putLong(64 + 56 + 16, 0x7000_0000L);
    Path file = Files.write(tmp.resolve("bad.so"), bytes);
    assertThatThrownBy(() -> ElfFile.parse(file))
        .isInstanceOf(ElfFile.MalformedException.class)
        .hasMessageContaining(file.toString())
        .hasMessageContaining("DT_STRTAB");
  }

  @Test
  void staticExecutableHasNoDynamicFacts() throws Exception {
    assumeTrue(Tools.onPath("gcc"), "gcc is not installed");
    Path src = Files.writeString(tmp.resolve("s.c"), "void _start(void) { for (;;); }\n");
    Path exe = tmp.resolve("static");
    Tools.run(List.of("gcc", "-static", "-nostdlib", "-o", exe.toString(), src.toString()));
    ElfFile elf = ElfFile.parse(exe).orElseThrow();
    assertThat(elf.type()).isEqualTo(ElfFile.ET_EXEC);
    assertThat(elf.interpreter()).isEqualTo(Optional.empty());
    assertThat(elf.needed()).isEmpty();
  }
}

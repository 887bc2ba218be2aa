package dev.shrink.elf;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.DeflaterOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The constant data of a shared object built with gcc: its literals, a zlib stream inflated, not its symbol names. */
class ElfDataTest {
  @TempDir Path tmp;

  @Test
  void literalsAndInflatedStreamsOfAReadOnlySection() throws Exception {
    byte[] packed = deflate("pkg_one_private_two_" + "x".repeat(100));
    StringBuilder array = new StringBuilder();
    for (byte b : packed) {
      array.append(b & 0xff).append(',');
    }
    Files.writeString(tmp.resolve("lib.c"), """
        const char *name(int i) { return i ? "pkg.hidden" : "a message"; }
        const unsigned char packed[] = {%s};
        int counter = 7;
        """.formatted(array));
    Path so = tmp.resolve("lib.so");
    Tools.run(List.of("gcc", "-shared", "-fPIC", "-O1", "-o", so.toString(), tmp.resolve("lib.c").toString()));

    ElfData data = ElfData.read(so);
    String all = String.join("|", data.sections().stream().map(b -> new String(b, StandardCharsets.ISO_8859_1)).toList());
    assertThat(all).contains("pkg.hidden\0", "a message\0").doesNotContain("counter", "name\0");
    assertThat(data.inflated()).hasSize(1);
    assertThat(new String(data.inflated().get(0), StandardCharsets.ISO_8859_1)).isEqualTo("pkg_one_private_two_" + "x".repeat(100));
  }

  @Test
  void notElfIsEmpty() throws Exception {
    Path text = Files.writeString(tmp.resolve("script.sh"), "#!/bin/sh\necho pkg.hidden\n");
    assertThat(ElfData.read(text).sections()).isEmpty();
    assertThat(ElfData.read(text).inflated()).isEmpty();
  }

  private static byte[] deflate(String s) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (DeflaterOutputStream d = new DeflaterOutputStream(out)) {
      d.write(s.getBytes(StandardCharsets.ISO_8859_1));
    }
    return out.toByteArray();
  }
}

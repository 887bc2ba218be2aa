package dev.shrink.fuzz;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shrink.elf.ElfData;
import dev.shrink.image.ImageConfig;
import dev.shrink.image.ImageException;
import dev.shrink.image.Index;
import dev.shrink.image.Manifest;
import dev.shrink.image.ManifestFormat;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A short fuzzing run of each parser of untrusted bytes (issue 18): a few seconds from a fixed
 * seed, so a failure is repeatable; {@code bench/fuzz.sh} runs them for longer.
 */
class FuzzTest {
  @ParameterizedTest
  @ValueSource(strings = {"layer", "image-json", "python"})
  void noCrashNoHangNoUndocumentedError(String name) throws Exception {
    Fuzzer.Result r = Fuzzer.run(Targets.named(name), 18, Duration.ofSeconds(3), Duration.ofSeconds(10));
    assertThat(r.executions()).isGreaterThan(10);
    assertThat(r.findings()).as(() -> r.findings().isEmpty() ? "" : FuzzMain.describe(r.findings().get(0))).isEmpty();
  }

  /** The ELF target (it found the bug below within seconds before ElfReader). */
  @Test
  void elf() throws Exception {
    noCrashNoHangNoUndocumentedError("elf");
  }

  /**
   * Found by the ELF target in 5 s: a section-name table index (e_shstrndx) past the section
   * headers makes {@code ElfData.read} throw IndexOutOfBoundsException from
   * {@code ElfStrip.readSections} instead of returning empty (its documented answer for section
   * headers it does not understand). The one header reader (ElfReader) checks the index.
   */
  @Test
  void aSectionNameIndexPastTheSectionHeadersIsNotACrash() throws Exception {
    byte[] elf = Files.readAllBytes(Path.of("/usr/bin/true"));
    ByteBuffer b = ByteBuffer.wrap(elf).order(ByteOrder.LITTLE_ENDIAN);
    b.putShort(62, (short) (b.getShort(60) + 50)); // e_shstrndx = e_shnum + 50
    Path file = Files.createTempFile("shrink-elf-", ".so");
    try {
      Files.write(file, elf);
      assertThatCode(() -> ElfData.read(file)).doesNotThrowAnyException();
    } finally {
      Files.delete(file);
    }
  }

  /**
   * Found by the image-json target: a value of the wrong type (a string schemaVersion, an infinite
   * one, a number past 64 bits) threw Jackson's exceptions, and a manifest with an
   * unknown media type converted to the other format threw IllegalArgumentException.
   */
  @Test
  void wrongTypesInImageJsonAreImageExceptions() {
    String d = "sha256:" + "ab".repeat(32);
    for (String json : List.of("{\"schemaVersion\":\"two\"}", "{\"schemaVersion\":1e999}", "{\"schemaVersion\":92233720368547758082}")) {
      assertThatThrownBy(() -> Manifest.parse(json.getBytes(StandardCharsets.UTF_8), "m")).as(json).isInstanceOf(ImageException.class);
    }
    assertThatThrownBy(() -> ImageConfig.parse("{\"config\":{\"Cmd\":[{}]}}".getBytes(StandardCharsets.UTF_8), "c"))
        .isInstanceOf(ImageException.class).hasMessageStartingWith("c has a value of the wrong type");
    assertThatThrownBy(() -> Index.parse("{\"manifests\":[{\"digest\":[]}]}".getBytes(StandardCharsets.UTF_8), "i"))
        .isInstanceOf(ImageException.class);
    Manifest odd = Manifest.parse(("{\"schemaVersion\":2,\"config\":{\"mediaType\":\"x/y\",\"digest\":\"" + d + "\",\"size\":1},"
        + "\"layers\":[]}").getBytes(StandardCharsets.UTF_8), "m");
    assertThatThrownBy(() -> odd.convert(ManifestFormat.DOCKER)).isInstanceOf(ImageException.class).hasMessageContaining("x/y");
  }
}

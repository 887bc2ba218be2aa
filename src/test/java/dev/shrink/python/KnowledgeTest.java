package dev.shrink.python;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class KnowledgeTest {
  private static final Path DIR = Path.of(System.getProperty("shrink.project.dir", "."))
      .resolve("src/main/resources/" + Knowledge.DIR);

  @Test
  void everyJsonFileInTheDirectoryIsIndexedAndEveryIndexedFileExists() throws IOException {
    try (Stream<Path> s = Files.list(DIR)) {
      assertThat(Knowledge.index()).containsExactlyInAnyOrderElementsOf(
          s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".json")).toList());
    }
  }

  @Test
  void everyFileParsesAndTheRequiredLibrariesAreCovered() {
    Knowledge k = Knowledge.load();
    assertThat(Knowledge.index()).contains("gunicorn.json", "uvicorn.json", "pkg_resources.json", "encodings.json");
    assertThat(k.rulesFor("gunicorn.config")).isNotEmpty();
    assertThat(k.rulesFor("uvicorn.config")).isNotEmpty();
    assertThat(k.rulesFor("encodings")).isNotEmpty();
    assertThat(k.redirect("pkg_resources.extern.packaging.version")).extracting(Knowledge.Redirected::name)
        .containsExactly("pkg_resources._vendor.packaging.version", "packaging.version");
    assertThat(k.ignored("pickle", "doctest")).isPresent();
    assertThat(k.ignored("pickle", "doctestx")).isEmpty();
  }

  @Test
  void reasonsAreRequired() {
    assertThatThrownBy(() -> Knowledge.of("{\"library\": \"x\", \"rules\": [{\"when\": \"a\", \"imports\": [{\"module\": \"b\"}]}]}"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("reason");
  }
}

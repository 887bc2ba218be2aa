package dev.shrink.python;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shrink.json.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
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

  @Test
  void unknownFieldsAreRefusedSoAMisspeltKeyCannotDropAnEntry() {
    assertThatThrownBy(() -> Knowledge.of("""
        {"library": "x", "rules": [{"when": "a", "imports": [{"module": "b", "reason": "r", "ifAvaliable": "c"}]}]}"""))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("ifAvaliable");
    assertThatThrownBy(() -> Knowledge.of("{\"library\": \"x\", \"rule\": []}"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("rule");
  }

  @Test
  void everyEntryOfEveryFileCarriesItsLibraryAndAReason() {
    Knowledge k = Knowledge.of("""
        {"library": "x", "ignores": [{"importer": "a", "module": "b", "reason": "r"}],
         "unread": [{"package": "p", "file": "f", "reason": "r"}],
         "rules": [{"when": "a", "files": [{"path": "/f", "reason": "r"}]}]}""");
    assertThat(k.ignored("a", "b")).get().extracting(Knowledge.Ignore::library).isEqualTo("x");
    assertThat(k.unread("p", "f")).isTrue();
    assertThat(k.rulesFor("a")).singleElement().satisfies(r -> {
      assertThat(r.library()).isEqualTo("x");
      assertThat(r.imports()).isEmpty();
    });
    for (String entry : List.of("{\"importer\": \"a\", \"module\": \"b\"}", "{\"importer\": \"a\", \"module\": \"b\", \"reason\": \" \"}")) {
      assertThatThrownBy(() -> Knowledge.of("{\"library\": \"x\", \"ignores\": [" + entry + "]}"))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("reason");
    }
  }

  @Test
  void startUpModulesNeedAReasonAndNoUnknownField() {
    assertThatThrownBy(() -> Json.strict("{\"module\": \"io\"}", PythonClosure.StartupModule.class, "startup"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("reason");
    assertThatThrownBy(() -> Json.strict("{\"module\": \"io\", \"reason\": \"r\", \"optinal\": true}",
        PythonClosure.StartupModule.class, "startup")).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("optinal");
  }
}

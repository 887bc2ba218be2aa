package dev.shrink.elf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shrink.json.Json;
import org.junit.jupiter.api.Test;

/** The schema of knowledge/elf-runtime.json. */
class RuntimeKnowledgeTest {
  @Test
  void everyLibraryNeedsATriggerAndAReasonAndNoUnknownField() {
    assertThat(Json.strict("{\"name\": \"a.so\", \"when\": [\"libc.so.6\"], \"reason\": \"r\"}",
        LibraryResolver.RuntimeLibrary.class, "entry").when()).containsExactly("libc.so.6");
    assertThatThrownBy(() -> Json.strict("{\"name\": \"a.so\", \"when\": [\"libc.so.6\"]}", LibraryResolver.RuntimeLibrary.class, "entry"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("reason");
    assertThatThrownBy(() -> Json.strict("{\"name\": \"a.so\", \"when\": [\"libc.so.6\"], \"reason\": \"r\", \"wen\": []}",
        LibraryResolver.RuntimeLibrary.class, "entry")).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("wen");
  }
}

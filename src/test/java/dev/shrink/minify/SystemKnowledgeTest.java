package dev.shrink.minify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shrink.closure.Requirement;
import dev.shrink.fs.RootFs;
import dev.shrink.json.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The rules of knowledge/system.json on a small root. */
class SystemKnowledgeTest {
  @TempDir Path tmp;

  static final String CTYPE = "/usr/lib/locale/C.utf8/LC_CTYPE";

  RootFs root() throws IOException {
    for (String f : List.of(CTYPE, "/usr/lib/locale/C.utf8/LC_TIME", "/usr/lib/locale/de_DE.utf8/LC_CTYPE")) {
      Path p = tmp.resolve(f.substring(1));
      Files.createDirectories(p.getParent());
      Files.writeString(p, "locale data");
    }
    return new RootFs(tmp);
  }

  List<String> kept(Set<String> modules, Map<String, String> env) throws IOException {
    return SystemKnowledge.load().apply(root(), Set.of(), modules, m -> null, env).stream().map(Requirement::path).toList();
  }

  @Test
  void pythonInTheCLocaleKeepsTheCharacterDataOfCUtf8ThatItCoercesTo() throws IOException {
    List<Requirement> r = SystemKnowledge.load().apply(root(), Set.of(), Set.of("encodings"), m -> null, Map.of());
    assertThat(r).extracting(Requirement::path).containsExactly(CTYPE);
    assertThat(r.get(0).reason()).contains("PEP 538").endsWith("(system.json: imports encodings, LC_CTYPE is the C locale)");
    assertThat(kept(Set.of("encodings"), Map.of("LANG", "C"))).containsExactly(CTYPE);
    assertThat(kept(Set.of("encodings"), Map.of("LANG", "de_DE.UTF-8", "LC_CTYPE", "POSIX"))).contains(CTYPE);
  }

  @Test
  void noCoercionNoPythonNoCharacterData() throws IOException {
    // LC_ALL set (even to C) turns the coercion off; without an interpreter nothing coerces
    assertThat(kept(Set.of("encodings"), Map.of("LC_ALL", "C"))).isEmpty();
    assertThat(kept(Set.of(), Map.of())).isEmpty();
    // a locale of its own: the LANG rule keeps that locale's data (and C.utf8's), not this one
    assertThat(kept(Set.of("encodings"), Map.of("LANG", "de_DE.utf8")))
        .containsExactlyInAnyOrder("/usr/lib/locale/de_DE.utf8/LC_CTYPE", CTYPE, "/usr/lib/locale/C.utf8/LC_TIME");
  }

  @Test
  void cLocaleFollowsLcAllThenLcCtypeThenLang() {
    assertThat(SystemKnowledge.cLocale(Map.of())).isTrue();
    assertThat(SystemKnowledge.cLocale(Map.of("LANG", ""))).isTrue();
    assertThat(SystemKnowledge.cLocale(Map.of("LANG", "POSIX"))).isTrue();
    assertThat(SystemKnowledge.cLocale(Map.of("LANG", "en_US.UTF-8"))).isFalse();
    assertThat(SystemKnowledge.cLocale(Map.of("LANG", "en_US.UTF-8", "LC_CTYPE", "C"))).isTrue();
    assertThat(SystemKnowledge.cLocale(Map.of("LC_CTYPE", "C.UTF-8"))).isFalse();
    assertThat(SystemKnowledge.cLocale(Map.of("LC_ALL", "C"))).isFalse();
  }

  @Test
  void everyRuleNeedsATriggerAndAReasonAndNoUnknownField() {
    assertThat(SystemKnowledge.load()).isNotNull();
    assertThatThrownBy(() -> Json.strict("{\"when\": {\"module\": \"m\"}, \"include\": [\"/a\"]}", SystemKnowledge.Rule.class, "rule"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("reason");
    assertThatThrownBy(() -> Json.strict("{\"when\": {}, \"include\": [\"/a\"], \"reason\": \"r\"}", SystemKnowledge.Rule.class, "rule"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("trigger");
    assertThatThrownBy(() -> Json.strict("{\"when\": {\"cLocale\": true}, \"include\": [\"/a\"], \"reason\": \"r\"}",
        SystemKnowledge.Rule.class, "rule")).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("cLocale");
  }
}

package dev.shrink.minify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shrink.bytecode.Target;
import dev.shrink.closure.Analyser;
import dev.shrink.closure.Requirement;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The options of a minify: groups by concern, a builder with defaults, and the one check across options. */
class MinifierOptionsTest {
  @Test
  void theBuilderStartsFromTheImagesCommandAndDefaultsAndToBuilderKeepsEveryGroup() {
    Minifier.Options defaults = Minifier.Options.builder().build();
    assertThat(defaults.command()).isEqualTo(new Minifier.Command(null, null, null));
    assertThat(defaults.paths()).isEqualTo(new Minifier.PathRules(List.of(), List.of()));
    assertThat(defaults.bytecode()).isEqualTo(new Minifier.Bytecode(false, Target.defaults(), false));
    assertThat(defaults.output()).isEqualTo(Minifier.Output.defaults());
    assertThat(defaults.traced()).isEqualTo(new Minifier.Traced(List.of(), List.of()));
    assertThat(defaults.host()).isNull();
    assertThat(defaults.compiler()).isNull();

    Minifier.Options set = Minifier.Options.builder().command(new Minifier.Command(List.of("/app/run"), List.of("--port", "1"), "1000"))
        .paths(new Minifier.PathRules(List.of("/etc/x"), List.of("/app/tests/**"))).bytecode(new Minifier.Bytecode(false, new Target(2, false), true))
        .host(new HostRoot("/app", List.of(), List.of())).build();
    Minifier.Traced traced = new Minifier.Traced(List.of(new Requirement("/etc/y", Analyser.PROBE, "openat")), List.of("/app/m.py"));
    Minifier.Options changed = set.toBuilder().traced(traced).build();
    assertThat(changed).isEqualTo(new Minifier.Options(set.command(), set.paths(), set.bytecode(), null, set.output(), set.host(), traced));
  }

  @Test
  void optimisedBytecodeDoesNotGoWithSourcesKept() {
    assertThatThrownBy(() -> new Minifier.Bytecode(true, new Target(1, false), false))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("-O1 makes sourceless bytecode: it cannot be combined with --keep-sources");
    assertThat(new Minifier.Bytecode(true, new Target(0, false), false).keepSources()).isTrue();
  }
}

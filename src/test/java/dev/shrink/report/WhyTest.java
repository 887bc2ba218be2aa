package dev.shrink.report;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shrink.closure.Analyser;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Chains of reasons on a report made by hand: each kind of hop, roots, cycles, distributions. */
class WhyTest {
  private static final String LIB = "/usr/lib/python3.11";
  private static final String DIST = "/usr/lib/python3/dist-packages";
  private final List<Report.KeptFile> files = new ArrayList<>();

  private void keep(String path, String distribution, Analyser analyser, String reason, String from) {
    files.add(new Report.KeptFile(path, Report.Type.FILE, 10L, null, null, distribution, List.of(new Report.Reason(analyser, reason, from)), null));
  }

  private Why why() {
    keep("/usr/bin/python3.11", null, Analyser.ENTRYPOINT, "the command runs python3", null);
    keep("/app/app.py", null, Analyser.ENTRYPOINT, "file named on the command line (app.py)", null);
    keep(LIB + "/json/__init__.pyc", null, Analyser.PYTHON, "import json (/app/app.py:1)", "/app/app.py");
    keep(LIB + "/json/decoder.pyc", null, Analyser.PYTHON, "from .decoder import JSONDecoder (" + LIB + "/json/__init__.py:3)",
        LIB + "/json/__init__.pyc");
    keep("/lib/libc.so.6", null, Analyser.ELF, "NEEDED libc.so.6 by /usr/bin/python3.11", "/usr/bin/python3.11");
    keep(LIB + "/socket.pyc", null, Analyser.PYTHON, "import socket (/app/app.py:2)", "/app/app.py");
    keep("/etc/services", null, Analyser.KNOWLEDGE, "service names (system.json: imports socket)", LIB + "/socket.pyc");
    keep(LIB + "/extra.pyc", null, Analyser.PROBE, "probe start-up GET /: openat", null);
    files.add(new Report.KeptFile(LIB + "/a.pyc", Report.Type.FILE, 10L, null, null, null, List.of(
        new Report.Reason(Analyser.PYTHON, "import a (b.py:1)", LIB + "/b.pyc")), null));
    files.add(new Report.KeptFile(LIB + "/b.pyc", Report.Type.FILE, 10L, null, null, null, List.of(
        new Report.Reason(Analyser.PYTHON, "import b (a.py:1)", LIB + "/a.pyc"),
        new Report.Reason(Analyser.PYTHON, "import b (/app/app.py:3)", "/app/app.py")), null));
    keep(LIB + "/gone.pyc", null, Analyser.PYTHON, "import gone (" + LIB + "/dropped.py:1)", LIB + "/dropped.pyc");
    keep(DIST + "/falcon/__init__.pyc", "falcon", Analyser.PYTHON, "import falcon (/app/app.py:4)", "/app/app.py");
    keep(DIST + "/falcon/app.pyc", "falcon", Analyser.PYTHON, "from falcon.app import App (" + DIST + "/falcon/__init__.py:1)",
        DIST + "/falcon/__init__.pyc");
    keep(DIST + "/falcon/media.pyc", "falcon", Analyser.PROBE, "probe start-up GET /: openat", null);
    return new Why(new Report("0", "test", "65532", null, null, List.of(), List.copyOf(files), null,
        new Report.After(0, 0, 0, 0, List.of()), List.of(new Report.PathReason("/app/x.pyi", "no runtime reads it")), null, null, List.of(),
        List.of(), null));
  }

  private static List<String> hops(List<Why.Hop> chain) {
    return chain.stream().map(h -> h.reason().analyser().word() + " " + h.path()).toList();
  }

  @Test
  void anImportChainGoesFromTheCommandToTheModule() {
    assertThat(hops(why().chain(LIB + "/json/decoder.pyc")))
        .containsExactly("entrypoint /app/app.py", "python " + LIB + "/json/__init__.pyc", "python " + LIB + "/json/decoder.pyc");
  }

  @Test
  void anElfChainGoesThroughTheNeededEntry() {
    List<Why.Hop> chain = why().chain("/lib/libc.so.6");
    assertThat(hops(chain)).containsExactly("entrypoint /usr/bin/python3.11", "elf /lib/libc.so.6");
    assertThat(chain.get(1).reason().reason()).isEqualTo("NEEDED libc.so.6 by /usr/bin/python3.11");
  }

  @Test
  void aKnowledgeRuleHopsFromItsTrigger() {
    assertThat(hops(why().chain("/etc/services")))
        .containsExactly("entrypoint /app/app.py", "python " + LIB + "/socket.pyc", "knowledge /etc/services");
  }

  @Test
  void aProbedFileIsItsOwnRoot() {
    assertThat(hops(why().chain(LIB + "/extra.pyc"))).containsExactly("probe " + LIB + "/extra.pyc");
  }

  @Test
  void cyclesEndAtTheShortestWayToARoot() {
    assertThat(hops(why().chain(LIB + "/a.pyc")))
        .containsExactly("entrypoint /app/app.py", "python " + LIB + "/b.pyc", "python " + LIB + "/a.pyc");
  }

  @Test
  void aChainWhoseAskerIsNotInTheImageStartsAtTheLastKeptFile() {
    List<Why.Hop> chain = why().chain(LIB + "/gone.pyc");
    assertThat(hops(chain)).containsExactly("python " + LIB + "/gone.pyc");
    assertThat(chain.get(0).reason().from()).isEqualTo(LIB + "/dropped.pyc");
  }

  @Test
  void aSourceIsFoundAsItsBytecodeAndADroppedPathSaysWhy() {
    Why why = why();
    assertThat(why.kept(LIB + "/json/decoder.py")).contains(LIB + "/json/decoder.pyc");
    assertThat(why.kept("/app/x.pyi")).isEmpty();
    assertThat(why.dropped("/app/x.pyi")).contains("no runtime reads it");
    assertThat(why.dropped("/nowhere")).isEmpty();
  }

  @Test
  void aDistributionIsBroughtInByHopsFromOutsideItAndByRoots() {
    Why.Distribution falcon = why().distribution("Falcon").orElseThrow();
    assertThat(falcon.name()).isEqualTo("falcon");
    assertThat(falcon.files()).hasSize(3);
    assertThat(falcon.bytes()).isEqualTo(30);
    assertThat(hops(falcon.entries())).containsExactly("python " + DIST + "/falcon/__init__.pyc", "probe " + DIST + "/falcon/media.pyc");
    assertThat(falcon.entries().get(0).reason().from()).isEqualTo("/app/app.py");
    assertThat(why().distribution("flask")).isEmpty();
  }

  @Test
  void distributionNamesCompareAsPipNormalizesThem() {
    assertThat(Why.normalize("Zope.Interface")).isEqualTo(Why.normalize("zope_interface")).isEqualTo("zope-interface");
    assertThat(Why.normalize("PyYAML")).isEqualTo("pyyaml");
  }
}

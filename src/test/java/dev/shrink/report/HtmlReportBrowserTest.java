package dev.shrink.report;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shrink.testing.Chromium;
import dev.shrink.testing.Cli;
import dev.shrink.testing.Fixtures;
import dev.shrink.testing.NeedsEngine;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The HTML report in a real headless Chromium: it renders with no error and no network request, its
 * treemap holds every kept file, a click on a file shows the chain of reasons that kept it, the lists
 * filter, and text from the report (a path holding {@code </script>}) stays text.
 */
class HtmlReportBrowserTest {
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final String EVIL = "/app/</script><img src=x onerror=\"window.pwned=1\">.py";

  @TempDir Path dir;

  @BeforeAll
  static void chromium() {
    Chromium.assumeAvailable();
  }

  /** A report as minify writes it, with hops ({@code from}), a zip with members, a loop, a hop not kept, packages. */
  static String synthetic() {
    return """
        {"source": "oci:/tmp/fat:latest", "user": "65532:65532 (nonroot)",
         "files": [
          {"path": "/app", "type": "directory", "layer": "app", "reasons": [{"analyser": "app", "reason": "application directory (WORKDIR /app)"}]},
          {"path": "/app/app.py", "type": "file", "size": 400, "layer": "app",
           "reasons": [{"analyser": "app", "reason": "application directory (WORKDIR /app)"}, {"analyser": "entrypoint", "reason": "file named on the command line (app.py)"}]},
          {"path": "EVIL", "type": "file", "size": 10, "layer": "app", "reasons": [{"analyser": "app", "reason": "application directory (WORKDIR /app)"}]},
          {"path": "/etc/empty.conf", "type": "file", "size": 0, "layer": "runtime", "reasons": [{"analyser": "knowledge", "reason": "read at start-up"}]},
          {"path": "/usr/bin/python3", "type": "symlink", "layer": "runtime", "reasons": [{"analyser": "entrypoint", "reason": "link on the way to /usr/bin/python3.11"}]},
          {"path": "/usr/bin/python3.11", "type": "file", "size": 6000000, "layer": "runtime", "reasons": [{"analyser": "entrypoint", "reason": "the image's ENTRYPOINT"}]},
          {"path": "/usr/lib/python311.zip", "type": "file", "size": 1500000, "layer": "runtime",
           "reasons": [{"analyser": "python", "reason": "the standard library's bytecode, zipped"}]},
          {"path": "/usr/lib/python3.11/ssl.pyc", "type": "file", "size": 60000, "in": "/usr/lib/python311.zip",
           "reasons": [{"analyser": "python", "reason": "import ssl (/app/app.py:2)", "from": "/app/app.py"}]},
          {"path": "/usr/lib/python3.11/json/__init__.pyc", "type": "file", "size": 12000, "in": "/usr/lib/python311.zip",
           "reasons": [{"analyser": "python", "reason": "import json (/app/app.py:1)", "from": "/app/app.py"}]},
          {"path": "/usr/lib/python3.11/lib-dynload/_ssl.cpython-311-x86_64-linux-gnu.so", "type": "file", "size": 900000, "layer": "runtime",
           "reasons": [{"analyser": "python", "reason": "import _ssl (/usr/lib/python3.11/ssl.py:100)", "from": "/usr/lib/python3.11/ssl.pyc"}]},
          {"path": "/usr/lib/x86_64-linux-gnu/libssl.so.3", "type": "file", "size": 5000000, "layer": "runtime",
           "reasons": [{"analyser": "elf", "reason": "NEEDED libssl.so.3 of _ssl.cpython-311-x86_64-linux-gnu.so",
                        "from": "/usr/lib/python3.11/lib-dynload/_ssl.cpython-311-x86_64-linux-gnu.so"},
                       {"analyser": "knowledge", "reason": "libssl for the ssl module (system.json: imports ssl)", "from": "/usr/lib/python3.11/ssl.pyc"}]},
          {"path": "/usr/lib/python3/dist-packages/falcon/__init__.py", "type": "file", "size": 3000, "layer": "dependencies",
           "reasons": [{"analyser": "python", "reason": "import falcon (/app/app.py:1)", "from": "/app/app.py"}]},
          {"path": "/usr/lib/python3/dist-packages/falcon/app.cpython-311-x86_64-linux-gnu.so", "type": "file", "size": 2000000, "layer": "dependencies",
           "reasons": [{"analyser": "python", "reason": "import falcon.app (/usr/lib/python3/dist-packages/falcon/__init__.py:12)",
                        "from": "/usr/lib/python3/dist-packages/falcon/__init__.py"}]},
          {"path": "/usr/lib/a.so", "type": "file", "size": 700000, "layer": "runtime", "reasons": [{"analyser": "elf", "reason": "NEEDED a.so of b.so", "from": "/usr/lib/b.so"}]},
          {"path": "/usr/lib/b.so", "type": "file", "size": 600000, "layer": "runtime", "reasons": [{"analyser": "elf", "reason": "NEEDED b.so of a.so", "from": "/usr/lib/a.so"}]},
          {"path": "/usr/lib/c.so", "type": "file", "size": 500000, "layer": "runtime", "reasons": [{"analyser": "elf", "reason": "NEEDED c.so of d.so", "from": "/usr/lib/d.so"}]}
         ],
         "before": {"compressedLayers": 74400000, "files": 8007, "fileBytes": 185100000},
         "after": {"compressedLayers": 6000000, "files": 12, "fileBytes": 17273410, "uncompressedLayers": 17400000,
          "layers": [{"name": "runtime", "description": "runtime: interpreter", "digest": "sha256:0e4ae86a0069", "compressed": 4000000, "uncompressed": 12000000, "files": 8},
                     {"name": "dependencies", "description": "dependencies: third-party packages", "digest": "sha256:eaeb4b7a5fb4", "compressed": 1900000, "uncompressed": 5300000, "files": 2},
                     {"name": "app", "description": "app: the application directory", "digest": "sha256:bd3a183d94cc", "compressed": 319, "uncompressed": 2600, "files": 2}]},
         "dropped": [{"path": "/usr/share/doc/python3/README", "reason": "never read"}, {"path": "/etc/unused.conf", "reason": "never read"},
                     {"path": "/usr/lib/python3.11/ssl.py", "reason": "sourceless: its bytecode is kept"}],
         "packages": [{"type": "deb", "name": "libssl3", "version": "3.0.15-1~deb12u1", "licences": ["Apache-2.0"], "files": 3, "bytes": 5000000, "fatBytes": 6000000},
                      {"type": "pypi", "name": "falcon", "version": "3.1.1", "licences": ["Apache-2.0"], "files": 2, "bytes": 2003000}],
         "problems": ["python: no module __pypy__ for import __pypy__ (/usr/lib/python3/dist-packages/msgpack/fallback.py:45)"],
         "notes": ["python: not followed: import readline (/usr/lib/python3.11/site.py:464)"]}
        """.replace("EVIL", EVIL.replace("\"", "\\\""));
  }

  @Test
  void theSyntheticReportRendersChainsFiltersAndKeepsTextAsText() throws Exception {
    String report = synthetic();
    JsonNode tree = JSON.readTree(report);
    Path page = dir.resolve("report.html");
    Files.writeString(page, HtmlReport.render(report), StandardCharsets.UTF_8);
    try (Chromium chromium = Chromium.start(dir, 1400, 1000)) {
      open(chromium, page);
      assertThat(leaves(chromium)).containsExactlyInAnyOrderElementsOf(expectedLeaves(tree));
      assertThat(strings(chromium.evaluate("[...document.querySelectorAll('#map rect.layer')].map(r => r.getAttribute('data-layer'))")))
          .containsExactly("runtime", "dependencies", "app");

      // the shortest chain: the knowledge rule's hop from ssl.pyc, not the NEEDED entry of _ssl, one hop further
      clickRect(chromium, "/usr/lib/x86_64-linux-gnu/libssl.so.3");
      assertThat(text(chromium, "#why-path")).isEqualTo("/usr/lib/x86_64-linux-gnu/libssl.so.3");
      assertThat(chain(chromium)).containsExactly(
          "/app/app.py | app application directory (WORKDIR /app)",
          "/usr/lib/python3.11/ssl.pyc | python import ssl (/app/app.py:2)",
          "/usr/lib/x86_64-linux-gnu/libssl.so.3 | knowledge libssl for the ssl module (system.json: imports ssl)");
      assertThat(chromium.evaluate("document.querySelectorAll('#why ul.plain li').length").asInt()).as("every reason listed").isEqualTo(2);
      assertThat(chromium.evaluate("document.querySelector('#map rect.leaf.selected').getAttribute('data-path')").asString())
          .isEqualTo("/usr/lib/x86_64-linux-gnu/libssl.so.3");

      clickRect(chromium, "/usr/lib/python3.11/lib-dynload/_ssl.cpython-311-x86_64-linux-gnu.so");
      assertThat(chain(chromium)).containsExactly(
          "/app/app.py | app application directory (WORKDIR /app)",
          "/usr/lib/python3.11/ssl.pyc | python import ssl (/app/app.py:2)",
          "/usr/lib/python3.11/lib-dynload/_ssl.cpython-311-x86_64-linux-gnu.so | python import _ssl (/usr/lib/python3.11/ssl.py:100)");
      assertThat(chromium.evaluate("document.getElementById('chain-note') === null").asBoolean()).isTrue();
      clickRect(chromium, "/usr/lib/a.so");
      assertThat(chain(chromium)).containsExactly("/usr/lib/a.so | elf NEEDED a.so of b.so");
      assertThat(text(chromium, "#chain-note")).contains("No chain reaches a root");
      clickRect(chromium, "/usr/lib/c.so");
      assertThat(chain(chromium)).containsExactly("/usr/lib/d.so | not among the kept files", "/usr/lib/c.so | elf NEEDED c.so of d.so");
      // every kept path's chain is the one shrink why gives
      Path json = Files.writeString(dir.resolve("report.json"), report);
      for (JsonNode f : tree.path("files")) {
        String path = f.path("path").asString();
        chromium.evaluate("[...document.querySelectorAll('#kept tr[data-path]')].find(tr => tr.getAttribute('data-path') === "
            + JSON.writeValueAsString(path) + ").click()");
        List<String> expected = whyChain(json, path);
        assertThat(chain(chromium)).as("chain of %s", path).filteredOn(h -> !h.endsWith("| not among the kept files"))
            .isEqualTo(expected.isEmpty() ? List.of(path + " | " + f.path("reasons").path(0).path("analyser").asString() + " "
                + f.path("reasons").path(0).path("reason").asString()) : expected);
      }

      // a path that holds </script> and markup is text: it did not end the data, nor make an element
      assertThat(chromium.evaluate("document.querySelectorAll('img').length").asInt()).isZero();
      assertThat(chromium.evaluate("typeof window.pwned").asString()).isEqualTo("undefined");
      chromium.evaluate("[...document.querySelectorAll('#kept tr[data-path]')].find(tr => tr.getAttribute('data-path') === "
          + JSON.writeValueAsString(EVIL) + ").click()");
      assertThat(text(chromium, "#why-path")).isEqualTo(EVIL);

      // the filter keeps the files whose path or reasons hold the text, and dims the others in the map
      chromium.evaluate("(() => { const f = document.getElementById('kept-filter'); f.value = 'FALCON'; f.dispatchEvent(new Event('input')); })()");
      chromium.evaluate("new Promise(r => setTimeout(r, 400))");
      assertThat(strings(chromium.evaluate("[...document.querySelectorAll('#kept tr[data-path]')].map(tr => tr.getAttribute('data-path'))")))
          .containsExactly("/usr/lib/python3/dist-packages/falcon/__init__.py", "/usr/lib/python3/dist-packages/falcon/app.cpython-311-x86_64-linux-gnu.so");
      assertThat(chromium.evaluate("document.querySelectorAll('#map rect.leaf:not(.dim)').length").asInt()).isEqualTo(2);
      chromium.evaluate("(() => { const f = document.getElementById('dropped-filter'); f.value = 'never'; f.dispatchEvent(new Event('input')); })()");
      chromium.evaluate("new Promise(r => setTimeout(r, 400))");
      assertThat(chromium.evaluate("document.querySelectorAll('#dropped tr').length - 1").asInt()).isEqualTo(2);

      assertThat(strings(chromium.evaluate("[...document.querySelectorAll('#packages tr')].slice(1).map(tr => tr.innerText.replace(/\\s+/g, ' ').trim())")))
          .containsExactly("deb libssl3 3.0.15-1~deb12u1 Apache-2.0 3 5.0 MB 6.0 MB", "pypi falcon 3.1.1 Apache-2.0 2 2.0 MB");
      assertThat(text(chromium, "#sizes")).contains("74.4 MB", "6.0 MB", "8.1 %");
      assertThat(chromium.errors()).isEmpty();
      assertThat(requests(chromium)).containsOnly(page.toUri().toString());

      // the checks above can fail: an uncaught error and a request are seen (the latter refused by the page's policy)
      chromium.evaluate("setTimeout(() => { throw new Error('thrown on purpose'); }); new Promise(r => setTimeout(r, 200))");
      chromium.evaluate("(() => { const i = new Image(); i.src = 'http://127.0.0.1:9/x.png'; document.body.append(i); })()");
      chromium.evaluate("new Promise(r => setTimeout(r, 300))");
      assertThat(chromium.errors()).anyMatch(e -> e.contains("thrown on purpose")).anyMatch(e -> e.contains("Content Security Policy"));
    }
  }

  /**
   * The bundled example built with {@code --report-html} (no engine needed): a report with no sizes
   * before renders, its treemap has the kept files in the runtime and app layers, and a click on
   * the largest library the ELF analysis kept shows its chain.
   */
  @Test
  void theBuildReportOfTheBundledExampleRenders() throws Exception {
    Path json = dir.resolve("hello.json");
    Path page = dir.resolve("hello.html");
    Cli.Run run = Cli.run("build", "docker-archive:" + dir.resolve("hello.tar") + ":hello:latest", "--app",
        Path.of("examples/hello-api").toAbsolutePath().toString(), "--no-verify", "--compression-level", "1",
        "--report", json.toString(), "--report-html", page.toString(), "--", "/usr/bin/python3", "server.py");
    assertThat(run.exit()).as(run.err()).isZero();
    JsonNode tree = JSON.readTree(Files.readString(json));
    assertThat(tree.has("before")).isFalse();
    try (Chromium chromium = Chromium.start(dir, 1400, 1000)) {
      open(chromium, page);
      List<String> leaves = expectedLeaves(tree);
      assertThat(leaves(chromium)).containsExactlyInAnyOrderElementsOf(leaves).contains("/app/server.py");
      assertThat(strings(chromium.evaluate("[...document.querySelectorAll('#map rect.layer')].map(r => r.getAttribute('data-layer'))")))
          .containsExactlyInAnyOrder("runtime", "app");
      assertThat(strings(chromium.evaluate("[...document.querySelectorAll('#sizes th')].map(th => th.textContent)"))).doesNotContain("before");
      String library = largest(tree, leaves, "elf");
      clickRect(chromium, library);
      assertThat(text(chromium, "#why-path")).isEqualTo(library);
      assertThat(chain(chromium)).hasSizeGreaterThan(1).isEqualTo(whyChain(json, library)).last().asString().startsWith(library + " | elf ");
      assertThat(chromium.errors()).isEmpty();
      assertThat(requests(chromium)).containsOnly(page.toUri().toString());
    }
  }

  /**
   * The Falcon fixture minified with {@code --report-html}: the page renders, its treemap has one rect
   * per kept file with bytes, in the output's layers, and a click on a file with a long chain shows
   * the chain {@code shrink why} gives. Leaves a screenshot in target/ (docs/report-falcon.png is one).
   */
  @Test
  @NeedsEngine
  void theFalconFixturesReportRendersInTheBrowser() throws Exception {
    String image = Fixtures.image("falcon");
    Path json = dir.resolve("falcon.json");
    Path page = dir.resolve("falcon.html");
    // --stdlib-zip (off by default): the page draws a zip's members inside the zip's layer
    Cli.Run run = Cli.run("minify", "containers-storage:" + image, "oci:" + dir.resolve("out") + ":small", "--no-verify", "--stdlib-zip",
        "--report", json.toString(), "--report-html", page.toString());
    assertThat(run.exit()).as(run.err()).isZero();
    JsonNode tree = JSON.readTree(Files.readString(json));
    try (Chromium chromium = Chromium.start(dir, 1400, 1000)) {
      open(chromium, page);
      List<String> leaves = expectedLeaves(tree);
      assertThat(leaves(chromium)).containsExactlyInAnyOrderElementsOf(leaves);
      Map<String, String> layerOf = new HashMap<>();
      tree.path("files").forEach(f -> layerOf.put(f.path("path").asString(), f.path("layer").asString()));
      List<JsonNode> members = StreamSupport.stream(tree.path("files").spliterator(), false).filter(f -> f.has("in")).toList();
      assertThat(members).as("modules in the standard library's zip, in the zip's layer").isNotEmpty()
          .allMatch(m -> m.path("layer").asString().equals(layerOf.get(m.path("in").asString())));
      List<String> layers = new ArrayList<>();
      tree.path("after").path("layers").forEach(l -> layers.add(l.path("name").asString()));
      assertThat(layers).contains("runtime", "dependencies", "app");
      assertThat(strings(chromium.evaluate("[...document.querySelectorAll('#map rect.layer')].map(r => r.getAttribute('data-layer'))")))
          .containsExactlyInAnyOrderElementsOf(layers);

      List<String> packages = new ArrayList<>();
      tree.path("packages").forEach(p -> packages.add(p.path("name").asString()));
      assertThat(packages).as("the report's packages").contains("libc6", "gunicorn");
      assertThat(strings(chromium.evaluate("[...document.querySelectorAll('#packages tr')].slice(1).map(tr => tr.cells[1].textContent)")))
          .containsExactlyInAnyOrderElementsOf(packages);
      // the surface removed: the fat image's shells and package managers, none in the output
      assertThat(strings(chromium.evaluate("[...document.querySelectorAll('#removed tr[data-kind]')].map(tr => tr.cells[0].textContent + ' '"
          + " + tr.cells[1].textContent + ' ' + tr.cells[2].textContent)")))
          .contains("shells " + tree.path("removed").path("surface").path("shells").path("fat").asInt() + " 0",
              "packageManagers " + tree.path("removed").path("surface").path("packageManagers").path("fat").asInt() + " 0");
      assertThat(tree.path("removed").path("surface").path("shells").path("fat").asInt()).isPositive();
      assertThat(text(chromium, "#removed-debs")).startsWith(tree.path("removed").path("debianPackages").size() + " Debian packages").contains("apt");
      // the file of 50 kB or more with the longest chain (the largest of those): a rect to click, a chain to show
      String path = null;
      int longest = 0;
      for (JsonNode f : tree.path("files")) {
        String p = f.path("path").asString();
        int hops = leaves.contains(p) && !f.has("in") && f.path("size").asLong() >= 50_000 ? whyChain(json, p).size() : 0;
        if (hops > longest || hops == longest && hops > 0 && f.path("size").asLong() > size(tree, path)) {
          path = p;
          longest = hops;
        }
      }
      assertThat(longest).as("hops of the longest chain").isGreaterThan(2);
      clickRect(chromium, path);
      assertThat(text(chromium, "#why-path")).isEqualTo(path);
      assertThat(chain(chromium)).isEqualTo(whyChain(json, path));
      double bottom = chromium.evaluate("window.scrollTo(0, 0); document.getElementById('map').getBoundingClientRect().bottom + 16").asDouble();
      Files.createDirectories(Path.of("target"));
      Files.write(Path.of("target/report-falcon.png"), chromium.screenshot(1400, bottom));
      assertThat(chromium.errors()).isEmpty();
      assertThat(requests(chromium)).containsOnly(page.toUri().toString());
    }
  }

  private static void open(Chromium chromium, Path page) throws IOException {
    chromium.navigate(page.toUri().toString());
    assertThat(chromium.errors()).as("errors in the page; chromium's log:\n%s", chromium.log()).isEmpty();
    assertThat(chromium.evaluate("document.body.getAttribute('data-ready')").asString()).as("the page's script ran to its end").isEqualTo("true");
  }

  /** The paths of the treemap's file rects. */
  private static List<String> leaves(Chromium chromium) {
    return strings(chromium.evaluate("[...document.querySelectorAll('#map rect.leaf')].map(r => r.getAttribute('data-path'))"));
  }

  /** The kept files with bytes of their own: regular files of size > 0, but a zip with members counts by its members. */
  private static List<String> expectedLeaves(JsonNode report) {
    Set<String> zips = new HashSet<>();
    report.path("files").forEach(f -> {
      if (f.has("in")) {
        zips.add(f.path("in").asString());
      }
    });
    List<String> out = new ArrayList<>();
    report.path("files").forEach(f -> {
      if (f.path("type").asString().equals("file") && f.path("size").asLong() > 0 && !zips.contains(f.path("path").asString())) {
        out.add(f.path("path").asString());
      }
    });
    assertThat(out).isNotEmpty();
    return out;
  }

  /** The chain {@code shrink why} gives (report.Why), one "PATH | analyser reason" per hop, root first. */
  private static List<String> whyChain(Path report, String path) throws IOException {
    return new Why(ReportJson.read(report)).chain(path).stream()
        .map(h -> h.path() + " | " + h.reason().analyser() + " " + h.reason().reason()).toList();
  }

  private static long size(JsonNode report, String path) {
    for (JsonNode f : report.path("files")) {
      if (f.path("path").asString().equals(path)) {
        return f.path("size").asLong();
      }
    }
    return 0;
  }

  /** The largest file of the treemap (not in a zip) whose first reason is by this analyser and whose every reason names a {@code from}: not a root. */
  private static String largest(JsonNode report, List<String> leaves, String analyser) {
    return StreamSupport.stream(report.path("files").spliterator(), false)
        .filter(f -> leaves.contains(f.path("path").asString()) && !f.has("in")
            && f.path("reasons").path(0).path("analyser").asString().equals(analyser)
            && StreamSupport.stream(f.path("reasons").spliterator(), false).allMatch(r -> r.has("from")))
        .max((a, b) -> Long.compare(a.path("size").asLong(), b.path("size").asLong())).orElseThrow().path("path").asString();
  }

  /** Scrolls the file's rect into view and clicks its middle with the mouse. */
  private static void clickRect(Chromium chromium, String path) {
    JsonNode box = chromium.evaluate("(() => { const r = [...document.querySelectorAll('#map rect.leaf')].find(r => r.getAttribute('data-path') === "
        + JSON.writeValueAsString(path) + "); r.scrollIntoView({block: 'center'}); const b = r.getBoundingClientRect();"
        + " return {x: b.x + b.width / 2, y: b.y + b.height / 2, w: b.width, h: b.height}; })()");
    assertThat(box.path("w").asDouble() * box.path("h").asDouble()).as("area of the rect of %s", path).isGreaterThan(4);
    chromium.click(box.path("x").asDouble(), box.path("y").asDouble());
  }

  /** The chain in the why panel, one "PATH | analyser reason" per hop, root first. */
  private static List<String> chain(Chromium chromium) {
    return strings(chromium.evaluate("[...document.querySelectorAll('#chain li')].map(li => li.querySelector('.path').textContent + ' | '"
        + " + li.querySelector('.reason').textContent)"));
  }

  private static String text(Chromium chromium, String selector) {
    return chromium.evaluate("document.querySelector(" + JSON.writeValueAsString(selector) + ").textContent").asString();
  }

  /** Every URL the page asked for. */
  private static List<String> requests(Chromium chromium) {
    return chromium.events("Network.requestWillBeSent").stream().map(e -> e.path("request").path("url").asString()).toList();
  }

  private static List<String> strings(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(n -> out.add(n.asString()));
    return out;
  }
}

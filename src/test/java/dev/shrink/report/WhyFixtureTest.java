package dev.shrink.report;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shrink.testing.Cli;
import dev.shrink.testing.Fixtures;
import org.junit.jupiter.api.Test;

/** {@code shrink why IMAGE ...} on the Falcon fixture: the static analysis of minify, answered as from a report. */
class WhyFixtureTest {
  @Test
  void whyFalconAndWhyLibsslOnTheFatImage() {
    String image = "containers-storage:" + Fixtures.image("falcon");

    Cli.Run falcon = Cli.run("why", image, "falcon");
    assertThat(falcon.exit()).as(falcon.err()).isZero();
    assertThat(falcon.out().lines().findFirst().orElseThrow()).matches("falcon: \\d+ files kept \\(.*\\); \\d+ hops? into it from outside it.*");
    assertThat(falcon.out().lines().toList()).as("the one import from outside falcon").element(1).asString()
        .startsWith("python     /usr/lib/python3/dist-packages/falcon/__init__.pyc  (").contains("import falcon (/app/app.py:");
    assertThat(falcon.out()).contains("why /app/app.py:\n  app        /app/app.py  (application directory (WORKDIR /app))");
    assertThat(falcon.err()).contains("static analysis of " + image + " (no probe)");

    Cli.Run ssl = Cli.run("why", image, "/usr/lib/x86_64-linux-gnu/libssl.so.3");
    assertThat(ssl.exit()).as(ssl.err()).isZero();
    assertThat(ssl.out().lines().toList()).last().asString()
        .startsWith("elf        /usr/lib/x86_64-linux-gnu/libssl.so.3  (NEEDED libssl.so.3 by /usr/lib/python3.11/lib-dynload/_ssl.");
    assertThat(ssl.out().lines().toList()).first().asString().startsWith("entrypoint ");
    assertThat(ssl.out()).contains("python     /usr/lib/python3.11/ssl.pyc  (", "python     /usr/lib/python3.11/lib-dynload/_ssl.cpython-311");
  }
}

package dev.shrink.report;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shrink.testing.Cli;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.json.JsonMapper;

/** The page's embedded data, and {@code shrink report}: the report as written, errors that name the input and write nothing. */
class HtmlReportTest {
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final Pattern DATA = Pattern.compile("<script type=\"application/json\" id=\"report-data\">(.*?)</script>", Pattern.DOTALL);

  @TempDir Path tmp;

  /** The JSON between the data element's tags. */
  private static String data(String page) {
    Matcher m = DATA.matcher(page);
    assertThat(m.find()).as("the page has its data element").isTrue();
    return m.group(1);
  }

  @Test
  void theReportIsEmbeddedWholeAndNoStringEndsTheScriptElement() {
    String report = HtmlReportBrowserTest.synthetic()
        .replace("\"notes\": [", "\"notes\": [\"<!-- a comment opener\", \"a & b > c\", \"line\u2028separator\", ");
    String page = HtmlReport.render(report);
    String data = data(page);
    assertThat(data).doesNotContain("<", ">", "&").contains("\\u003c/script\\u003e");
    assertThat(JSON.readTree(data)).isEqualTo(JSON.readTree(report));
    assertThat(page).doesNotContain("/*REPORT_JSON*/");
    assertThat(page.split("</script>", -1)).as("only the page's two script elements end").hasSize(3);
  }

  @Test
  void theCommandWritesThePageOfAReport() throws Exception {
    Path report = Files.writeString(tmp.resolve("r.json"), HtmlReportBrowserTest.synthetic());
    Path html = tmp.resolve("r.html");
    Cli.Run run = Cli.run("report", report.toString(), "--html", html.toString());
    assertThat(run.exit()).as(run.err()).isZero();
    assertThat(run.out()).isEqualTo("Wrote " + html + " (16 files)\n");
    assertThat(JSON.readTree(data(Files.readString(html, StandardCharsets.UTF_8)))).isEqualTo(JSON.readTree(Files.readString(report)));
    assertThat(tmp).isDirectoryNotContaining(p -> p.getFileName().toString().endsWith(".partial"));
    int umask = Integer.parseInt(Files.readAllLines(Path.of("/proc/self/status")).stream().filter(l -> l.startsWith("Umask:"))
        .findFirst().orElseThrow().substring(6).strip(), 8);
    assertThat(mode(Files.getPosixFilePermissions(html))).as("rw-r--r-- less the umask, as the shell makes files").isEqualTo(0644 & ~umask);
    Cli.Run help = Cli.run("report", "--help");
    assertThat(help.exit()).isZero();
    assertThat(help.out()).contains("Usage: shrink report").contains("--html=FILE.html");
  }

  private static int mode(Set<PosixFilePermission> permissions) {
    int mode = 0;
    for (PosixFilePermission p : permissions) {
      mode |= 0400 >> p.ordinal();
    }
    return mode;
  }

  @Test
  void inputThatIsNoReportFailsNamingItAndWritesNothing() throws Exception {
    Path html = tmp.resolve("out.html");
    Path text = Files.writeString(tmp.resolve("notes.txt"), "not json");
    Path array = Files.writeString(tmp.resolve("array.json"), "[1, 2]");
    Path other = Files.writeString(tmp.resolve("config.json"), "{\"architecture\": \"amd64\"}");
    Path latin1 = Files.write(tmp.resolve("latin1.json"), new byte[] {'{', '"', (byte) 0xe9, '"', ':', '1', '}'});
    for (Path input : new Path[] {text, array, other, latin1, tmp.resolve("missing.json")}) {
      Cli.Run run = Cli.run("report", input.toString(), "--html", html.toString());
      assertThat(run.exit()).as("exit code for %s", input).isEqualTo(1);
      assertThat(run.err()).startsWith("shrink: error: " + input + ": ").doesNotContain("Exception", "\tat ");
    }
    Cli.Run noDir = Cli.run("report", other.toString().replace("config", "array"), "--html", tmp.resolve("no/such/dir/out.html").toString());
    assertThat(noDir.exit()).isEqualTo(1);
    Path good = Files.writeString(tmp.resolve("good.json"), HtmlReportBrowserTest.synthetic());
    Cli.Run noDirGood = Cli.run("report", good.toString(), "--html", tmp.resolve("no/such/dir/out.html").toString());
    assertThat(noDirGood.exit()).isEqualTo(1);
    assertThat(noDirGood.err()).contains(tmp.resolve("no/such/dir").toString()).contains("no such directory");
    assertThat(Cli.run("report", good.toString()).exit()).as("--html is required").isEqualTo(2);
    assertThat(html).doesNotExist();
    assertThat(tmp.resolve("no")).doesNotExist();
  }
}

package dev.shrink.inspect;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shrink.image.Image;
import dev.shrink.testing.Cli;
import dev.shrink.transport.ImageReference;
import dev.shrink.transport.RawImage;
import dev.shrink.transport.TransportOptions;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The final filesystem of layered images (whiteouts, opaque directories, replaced files) and the diff of two. */
class ImageDiffTest {
  @TempDir Path tmp;

  private Path image(String name, List<Map<String, String>> layers) throws Exception {
    Path dir = tmp.resolve(name);
    RawImage.writeOci(dir, "t", layers.stream().map(RawImage::gzipLayer).toList());
    return dir;
  }

  private FileTree tree(Path layout) throws Exception {
    try (Image image = ImageReference.parse("oci:" + layout + ":t").read(TransportOptions.defaults())) {
      return FileTree.of(image, true);
    }
  }

  private static Map<String, String> files(String... pairs) {
    Map<String, String> m = new LinkedHashMap<>();
    for (int i = 0; i < pairs.length; i += 2) {
      m.put(pairs[i], pairs[i + 1]);
    }
    return m;
  }

  @Test
  void whiteoutsOpaqueDirectoriesAndReplacedFilesGiveTheFinalFilesystem() throws Exception {
    Path a = image("a", List.of(
        files("usr/", "", "usr/bin/", "", "usr/bin/sh", "shell", "usr/lib/", "", "usr/lib/x/", "", "usr/lib/x/a", "aa", "usr/lib/x/b", "bbb",
            "usr/lib/y", "y", "etc/", "", "etc/passwd", "root"),
        files("usr/lib/x/.wh..wh..opq", "", "usr/lib/x/c", "c", "usr/bin/.wh.sh", "", "etc/passwd", "app")));
    FileTree t = tree(a);
    assertThat(t.files().keySet()).containsExactly("/etc/passwd", "/usr/lib/x/c", "/usr/lib/y");
    assertThat(t.files().get("/etc/passwd").size()).isEqualTo(3);
    assertThat(t.fileBytes()).isEqualTo(5);
    assertThat(t.layers()).hasSize(2);
  }

  @Test
  void removedAddedAndChangedFilesInTotalAndPerDirectory() throws Exception {
    FileTree fat = tree(image("fat", List.of(files("bin/", "", "bin/sh", "shell!", "app/", "", "app/main.py", "print(1)",
        "usr/", "", "usr/lib/", "", "usr/lib/libc.so", "0123456789", "usr/lib/libz.so", "zz"))));
    FileTree small = tree(image("small", List.of(files("app/", "", "app/main.py", "print(2)", "usr/", "", "usr/lib/", "",
        "usr/lib/libc.so", "0123456789", "etc/", "", "etc/passwd", "nobody"))));
    ImageDiff d = ImageDiff.of(fat, small);
    assertThat(d.removed()).isEqualTo(new ImageDiff.Count(2, 8));
    assertThat(d.added()).isEqualTo(new ImageDiff.Count(1, 6));
    assertThat(d.changed()).isEqualTo(new ImageDiff.Count(1, 8)); // same size, other contents
    assertThat(d.same()).isEqualTo(new ImageDiff.Count(1, 10));
    assertThat(d.changes()).extracting(ImageDiff.Change::path).containsExactly("/app/main.py", "/bin/sh", "/etc/passwd", "/usr/lib/libz.so");
    assertThat(d.byDirectory(1)).extracting(ImageDiff.Directory::path).containsExactly("/bin", "/etc", "/usr", "/app");
    assertThat(d.byDirectory(1).get(0).removed()).isEqualTo(new ImageDiff.Count(1, 6));
    assertThat(ImageDiff.prefix("/usr/lib/python3/x.py", 2)).isEqualTo("/usr/lib");
    assertThat(ImageDiff.prefix("/top", 3)).isEqualTo("/");
  }

  @Test
  void theCommandPrintsTotalsAndEveryChangedFile() throws Exception {
    Path fat = image("fat", List.of(files("bin/", "", "bin/sh", "shell!", "app.py", "x")));
    Path small = image("small", List.of(files("app.py", "x", "tmp/", "")));
    Cli.Run run = Cli.run("diff", "oci:" + fat + ":t", "oci:" + small + ":t", "--files");
    assertThat(run.exit()).isZero();
    assertThat(run.out()).containsPattern("removed +1 +6 B").containsPattern("same +1 +1 B").contains("-        6 B  /bin/sh");
    Cli.Run bad = Cli.run("diff", "oci:" + fat + ":t", "oci:" + tmp.resolve("none") + ":t");
    assertThat(bad.exit()).isEqualTo(1);
    assertThat(bad.err()).contains(tmp.resolve("none").toString());
  }
}

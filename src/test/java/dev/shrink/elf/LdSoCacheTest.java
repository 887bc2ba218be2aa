package dev.shrink.elf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.shrink.closure.Requirement;
import dev.shrink.fs.RootFs;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A python.org-style layout: a program whose RUNPATH names a build directory the image does not
 * have finds its library in /usr/local/lib only through ldconfig's cache (made here by the real
 * {@code ldconfig -r}), so the closure must keep the cache; libraries found another way must not.
 * The programs carry PT_INTERP /lib64/ld-linux-x86-64.so.2, which this root does not have.
 */
class LdSoCacheTest {
  @TempDir Path dir;

  @Test
  void aLibraryOnlyLdSoConfNamesNeedsTheCache() throws Exception {
    assumeTrue(Tools.onPath("gcc"), "gcc is not installed");
    Path root = Files.createDirectories(dir.resolve("root"));
    Files.writeString(dir.resolve("who.c"), "const char *who(void) { return \"who\"; }\n");
    Files.writeString(dir.resolve("main.c"), "void _start(void) { for (;;); }\n");
    lib(root, "/usr/local/lib/libpy.so");
    lib(root, "/usr/lib/x86_64-linux-gnu/libdefault.so");
    lib(root, "/opt/rp/lib/librun.so");
    List<String> cmd = new ArrayList<>(List.of("gcc", "-nostdlib", "-o", root + "/usr/local/bin/app", dir.resolve("main.c").toString(),
        "-Wl,--no-as-needed,--allow-shlib-undefined", "-Wl,--enable-new-dtags,-rpath,/build/python/lib:/opt/rp/lib"));
    for (String l : List.of("/usr/local/lib/libpy.so", "/usr/lib/x86_64-linux-gnu/libdefault.so", "/opt/rp/lib/librun.so")) {
      cmd.add(root + l);
    }
    Files.createDirectories(root.resolve("usr/local/bin"));
    Tools.run(cmd);
    Files.createDirectories(root.resolve("etc/ld.so.conf.d"));
    Files.writeString(root.resolve("etc/ld.so.conf"), "include /etc/ld.so.conf.d/*.conf\n");
    Files.writeString(root.resolve("etc/ld.so.conf.d/libc.conf"), "/usr/local/lib\n");
    Files.writeString(root.resolve("etc/ld.so.conf.d/x86_64-linux-gnu.conf"), "/usr/lib/x86_64-linux-gnu\n/opt/rp/lib\n");
    RootFs fs = new RootFs(root);

    // no cache in the image: nothing to keep (ld.so of the original would not find it either)
    LibraryResolver.Closure before = new LibraryResolver(fs).resolve("/usr/local/bin/app");
    assertThat(before.missing()).extracting(LibraryResolver.Missing::name).containsExactly("/lib64/ld-linux-x86-64.so.2");
    assertThat(before.requirements()).extracting(Requirement::path).doesNotContain("/etc/ld.so.cache");

    Tools.run(List.of("ldconfig", "-r", root.toString()));
    assertThat(new String(Files.readAllBytes(root.resolve("etc/ld.so.cache")), StandardCharsets.ISO_8859_1))
        .contains("/usr/local/lib/libpy.so");
    LibraryResolver.Closure after = new LibraryResolver(fs).resolve("/usr/local/bin/app");
    assertThat(after.requirements()).filteredOn(r -> r.path().equals("/etc/ld.so.cache")).singleElement()
        .extracting(Requirement::reason).isEqualTo("ld.so finds libpy.so (NEEDED by /usr/local/bin/app) in /usr/local/lib, "
            + "a directory of /etc/ld.so.conf, only through ldconfig's cache");
  }

  private void lib(Path root, String imagePath) throws Exception {
    Path out = root.resolve(imagePath.substring(1));
    Files.createDirectories(out.getParent());
    String name = out.getFileName().toString();
    Tools.run(List.of("gcc", "-nostdlib", "-shared", "-fPIC", "-o", out.toString(), dir.resolve("who.c").toString(), "-Wl,-soname," + name));
  }
}

package dev.shrink.elf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.shrink.closure.Requirement;
import dev.shrink.fs.RootFs;
import dev.shrink.testing.NeedsEngine;
import dev.shrink.testing.Podman;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
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

  /**
   * The same layout with the host's glibc, as a scratch image run by podman: with only the files
   * of the closure it runs, and without the cache (what the closure kept before) ld.so fails.
   */
  @Test
  @NeedsEngine
  void theClosureRunsInAScratchImageAndNeedsTheCache() throws Exception {
    assumeTrue(Tools.onPath("gcc"), "gcc is not installed");
    Podman.assumeAvailable();
    Path root = Files.createDirectories(dir.resolve("root"));
    Files.createDirectories(root.resolve("usr/local/lib"));
    Files.createDirectories(root.resolve("usr/local/bin"));
    Files.writeString(dir.resolve("who.c"), "const char *who(void) { return \"found through the cache\"; }\n");
    Files.writeString(dir.resolve("app.c"), "#include <stdio.h>\nconst char *who(void);\nint main(void) { puts(who()); return 0; }\n");
    Tools.run(List.of("gcc", "-shared", "-fPIC", "-o", root + "/usr/local/lib/libwho.so", dir.resolve("who.c").toString(), "-Wl,-soname,libwho.so"));
    Tools.run(List.of("gcc", "-o", root + "/usr/local/bin/app", dir.resolve("app.c").toString(), "-L" + root + "/usr/local/lib", "-lwho",
        "-Wl,--enable-new-dtags,-rpath,/build/python/lib"));
    copy(Path.of("/lib64/ld-linux-x86-64.so.2").toRealPath(), root.resolve("lib64/ld-linux-x86-64.so.2"));
    copy(Path.of("/lib/x86_64-linux-gnu/libc.so.6").toRealPath(), root.resolve("usr/lib/x86_64-linux-gnu/libc.so.6"));
    Files.createDirectories(root.resolve("etc/ld.so.conf.d"));
    Files.writeString(root.resolve("etc/ld.so.conf"), "include /etc/ld.so.conf.d/*.conf\n");
    Files.writeString(root.resolve("etc/ld.so.conf.d/libc.conf"), "/usr/local/lib\n");
    Tools.run(List.of("ldconfig", "-r", root.toString()));

    LibraryResolver.Closure closure = new LibraryResolver(new RootFs(root)).resolve("/usr/local/bin/app");
    assertThat(closure.missing()).isEmpty();
    Path image = Files.createDirectories(dir.resolve("image"));
    for (Requirement r : closure.requirements()) {
      copy(root.resolve(r.path().substring(1)), image.resolve(r.path().substring(1)));
    }
    assertThat(image.resolve("etc/ld.so.cache")).exists();
    String name = Podman.testImage("ldcache", "with");
    String without = Podman.testImage("ldcache", "without");
    try {
      Podman.run("import", tar(image, "with.tar").toString(), name).orThrow();
      assertThat(Podman.run("run", "--rm", "--read-only", "--user", "65532", name, "/usr/local/bin/app").orThrow().stdout())
          .isEqualTo("found through the cache\n");
      Files.delete(image.resolve("etc/ld.so.cache"));
      Podman.run("import", tar(image, "without.tar").toString(), without).orThrow();
      Podman.Result failed = Podman.run("run", "--rm", "--read-only", "--user", "65532", without, "/usr/local/bin/app");
      assertThat(failed.exitCode()).isNotZero();
      assertThat(failed.stderr()).contains("libwho.so: cannot open shared object file");
    } finally {
      Podman.rmi(name);
      Podman.rmi(without);
    }
  }

  private static void copy(Path from, Path to) throws Exception {
    Files.createDirectories(to.getParent());
    Files.copy(from, to, StandardCopyOption.COPY_ATTRIBUTES);
  }

  private Path tar(Path tree, String name) throws Exception {
    Path out = dir.resolve(name);
    Tools.run(List.of("tar", "-C", tree.toString(), "--owner=0", "--group=0", "-cf", out.toString(), "."));
    return out;
  }

  private void lib(Path root, String imagePath) throws Exception {
    Path out = root.resolve(imagePath.substring(1));
    Files.createDirectories(out.getParent());
    String name = out.getFileName().toString();
    Tools.run(List.of("gcc", "-nostdlib", "-shared", "-fPIC", "-o", out.toString(), dir.resolve("who.c").toString(), "-Wl,-soname," + name));
  }
}

package dev.shrink.elf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.shrink.closure.Analyser;
import dev.shrink.closure.Requirement;
import dev.shrink.fs.RootFs;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Small ELF files built with gcc into a temporary directory laid out as an image root. Libraries
 * are built without libc (-nostdlib) so each closure holds only the files of the case at hand; the
 * programs still carry PT_INTERP /lib64/ld-linux-x86-64.so.2, which this root does not have.
 */
class LibraryResolverFakeRootTest {
  @TempDir static Path dir;
  static Path build;
  static RootFs root;

  @BeforeAll
  static void buildRoot() throws Exception {
    assumeTrue(Tools.onPath("gcc"), "gcc is not installed");
    build = Files.createDirectories(dir.resolve("build"));
    root = new RootFs(Files.createDirectories(dir.resolve("root")));
    Files.writeString(build.resolve("who.c"), "const char *who(void) { return \"who\"; }\n");
    Files.writeString(build.resolve("main.c"), "void _start(void) { for (;;); }\n");

    // Same SONAME in two places: which one wins tells the search order.
    lib("/opt/a/lib/libdep.so", "libdep.so");
    lib("/opt/b/lib/libdep.so", "libdep.so");
    exe("/opt/rp/bin/app-rpath", List.of("libdep.so"), "-Wl,--disable-new-dtags,-rpath,/opt/a/lib");
    exe("/opt/rp/bin/app-runpath", List.of("libdep.so"), "-Wl,--enable-new-dtags,-rpath,/opt/a/lib");

    // Inheritance: libmid needs libleaf, which only the program's path can find.
    lib("/opt/a/lib/libleaf.so", "libleaf.so");
    lib("/opt/a/lib/libmid.so", "libmid.so", "-L" + host("/opt/a/lib"), "-lleaf");
    lib("/opt/a/lib/libmidrun.so", "libmidrun.so", "-L" + host("/opt/a/lib"), "-lleaf",
        "-Wl,--enable-new-dtags,-rpath,/opt/nowhere");
    exe("/opt/rp/bin/app-rpath-mid", List.of("libmid.so"), "-Wl,--disable-new-dtags,-rpath,/opt/a/lib");
    exe("/opt/rp/bin/app-runpath-mid", List.of("libmid.so"), "-Wl,--enable-new-dtags,-rpath,/opt/a/lib");
    exe("/opt/rp/bin/app-rpath-midrun", List.of("libmidrun.so"), "-Wl,--disable-new-dtags,-rpath,/opt/a/lib");

    // $ORIGIN of the program (reached through a symlink) and ${ORIGIN} of a library.
    lib("/opt/app/lib/sub/libo2.so", "libo2.so");
    lib("/opt/app/lib/libo.so", "libo.so", "-L" + host("/opt/app/lib/sub"), "-lo2",
        "-Wl,--enable-new-dtags,-rpath,${ORIGIN}/sub");
    exe("/opt/app/bin/app-origin", List.of("libo.so"), "-Wl,--enable-new-dtags,-rpath,$ORIGIN/../lib");
    link("/usr/local/bin/app-origin", "/opt/app/bin/app-origin");

    // A library found through a file symlink: its $ORIGIN is the link's directory, not the target's.
    lib("/opt/s/a/dep/libsleaf.so", "libsleaf.so");
    lib("/opt/s/b/dep/libsleaf.so", "libsleaf.so");
    lib("/opt/s/a/lib/libsm.so", "libsm.so", "-L" + host("/opt/s/a/dep"), "-lsleaf",
        "-Wl,--enable-new-dtags,-rpath,$ORIGIN/../dep");
    link("/opt/s/b/lib/libsm.so", "/opt/s/a/lib/libsm.so");
    exe("/opt/s/app-sym", List.of("libsm.so"), "-Wl,--enable-new-dtags,-rpath,/opt/s/b/lib");

    // ld.so.conf with a relative include glob, a cycle, a hidden and a non-matching file.
    write("/etc/ld.so.conf", "# comment\ninclude ld.so.conf.d/*.conf\n/opt/conf1/lib/\n");
    write("/etc/ld.so.conf.d/10-two.conf", "/opt/conf2/lib  # trailing comment\ninclude /etc/ld.so.conf\n");
    write("/etc/ld.so.conf.d/20-three.conf", "\n   /opt/conf3/lib\nhwcap 1 foo\n");
    write("/etc/ld.so.conf.d/.hidden.conf", "/opt/hidden/lib\n");
    write("/etc/ld.so.conf.d/other.txt", "/opt/txt/lib\n");
    lib("/opt/conf3/lib/libconf.so", "libconf.so");
    lib("/opt/hidden/lib/libhidden.so", "libhidden.so");
    exe("/opt/c/app-conf", List.of("libconf.so", "libhidden.so"));

    // Wrong ELF class and wrong machine ahead of the right file.
    Files.createDirectories(host("/opt/w/c32"));
    Files.write(host("/opt/w/c32/libdep.so"), TinyElf.build(32, ByteOrder.LITTLE_ENDIAN,
        ElfFile.EM_386, "libdep.so", List.of("libfrom32.so"), null, null));
    Files.createDirectories(host("/opt/w/arm"));
    byte[] arm = Files.readAllBytes(host("/opt/a/lib/libdep.so"));
    ByteBuffer.wrap(arm).order(ByteOrder.LITTLE_ENDIAN).putShort(18, (short) ElfFile.EM_AARCH64);
    Files.write(host("/opt/w/arm/libdep.so"), arm);
    write("/opt/w/text/libdep.so", "/* GNU ld script */\nGROUP ( libdep.so.1 )\n");
    exe("/opt/w/app-wrong", List.of("libdep.so"),
        "-Wl,--disable-new-dtags,-rpath,/opt/w/c32:/opt/w/arm:/opt/w/text:/opt/b/lib");

    // Default directories through /lib -> usr/lib, and an /etc/alternatives chain.
    link("/lib", "usr/lib");
    lib("/usr/lib/x86_64-linux-gnu/libdef.so", "libdef.so");
    lib("/opt/alt/libalt-impl.so", "libalt.so");
    link("/etc/alternatives/libalt.so", "/opt/alt/libalt-impl.so");
    link("/usr/lib/x86_64-linux-gnu/libalt.so", "/etc/alternatives/libalt.so");
    exe("/opt/d/app-def", List.of("libdef.so", "libalt.so"));
    exe("/opt/d/app-nodeflib", List.of("libdef.so"), "-Wl,-z,nodefaultlib");

    // A stand-in libc.so.6: glibc's run-time libraries come with it when they exist.
    lib("/usr/lib/x86_64-linux-gnu/libc.so.6", "libc.so.6");
    lib("/usr/lib/x86_64-linux-gnu/libgcc_s.so.1", "libgcc_s.so.1", "-L" + host("/usr/lib/x86_64-linux-gnu"), "-l:libc.so.6");
    exe("/opt/d/app-libc", List.of("libc.so.6"));

    // A NEEDED entry that is an absolute path.
    lib("/opt/abs/libabs.so", "/opt/abs/libabs.so");
    exe("/opt/abs/app-abs", List.of("/opt/abs/libabs.so", "libmissing.so.7"));
  }

  @Test
  void rpathComesBeforeLdLibraryPathAndRunpathAfter() throws Exception {
    Map<String, String> env = Map.of("LD_LIBRARY_PATH", "/opt/b/lib");
    assertThat(found(resolve("/opt/rp/bin/app-rpath", env), "libdep.so")).contains("/opt/a/lib/libdep.so");
    assertThat(found(resolve("/opt/rp/bin/app-runpath", env), "libdep.so")).contains("/opt/b/lib/libdep.so");
    assertThat(found(resolve("/opt/rp/bin/app-runpath", Map.of()), "libdep.so")).contains("/opt/a/lib/libdep.so");
  }

  @Test
  void rpathIsInheritedByDependenciesRunpathIsNot() throws Exception {
    LibraryResolver.Closure rpath = resolve("/opt/rp/bin/app-rpath-mid", Map.of());
    assertThat(found(rpath, "libleaf.so")).contains("/opt/a/lib/libleaf.so");
    assertThat(rpath.requirements()).contains(
        new Requirement("/opt/a/lib/libleaf.so", Analyser.ELF, "NEEDED libleaf.so by /opt/a/lib/libmid.so", "/opt/a/lib/libmid.so"));

    LibraryResolver.Closure runpath = resolve("/opt/rp/bin/app-runpath-mid", Map.of());
    assertThat(found(runpath, "libmid.so")).contains("/opt/a/lib/libmid.so");
    assertThat(found(runpath, "libleaf.so")).isEmpty();
    assertThat(runpath.missing()).filteredOn(m -> m.name().equals("libleaf.so")).singleElement()
        .satisfies(m -> {
          assertThat(m.neededBy()).isEqualTo("/opt/a/lib/libmid.so");
          assertThat(m.searched()).doesNotContain("/opt/a/lib").contains("/usr/lib/x86_64-linux-gnu");
        });
  }

  @Test
  void anObjectWithRunpathDoesNotUseTheRpathOfItsLoaders() throws Exception {
    LibraryResolver.Closure closure = resolve("/opt/rp/bin/app-rpath-midrun", Map.of());
    assertThat(found(closure, "libmidrun.so")).contains("/opt/a/lib/libmidrun.so");
    assertThat(closure.missing()).extracting(LibraryResolver.Missing::name).contains("libleaf.so");
  }

  @Test
  void originOfTheProgramIsItsRealDirectory() throws Exception {
    LibraryResolver.Closure closure = resolve("/usr/local/bin/app-origin", Map.of());
    assertThat(found(closure, "libo.so")).contains("/opt/app/bin/../lib/libo.so");
    assertThat(real(closure, "libo.so")).isEqualTo("/opt/app/lib/libo.so");
    assertThat(found(closure, "libo2.so")).contains("/opt/app/bin/../lib/sub/libo2.so");
    assertThat(real(closure, "libo2.so")).isEqualTo("/opt/app/lib/sub/libo2.so");
    assertThat(closure.requirements()).extracting(Requirement::path)
        .contains("/usr/local/bin/app-origin", "/opt/app/bin/app-origin");
  }

  @Test
  void originOfALibraryIsTheDirectoryItWasFoundInLikeLdSo() throws Exception {
    LibraryResolver.Closure closure = resolve("/opt/s/app-sym", Map.of());
    assertThat(real(closure, "libsm.so")).isEqualTo("/opt/s/a/lib/libsm.so");
    assertThat(found(closure, "libsleaf.so")).contains("/opt/s/b/lib/../dep/libsleaf.so");
    assertThat(real(closure, "libsleaf.so")).isEqualTo("/opt/s/b/dep/libsleaf.so");
    assertThat(closure.requirements()).extracting(Requirement::path).contains("/opt/s/b/lib/libsm.so");
  }

  @Test
  void ldSoConfIsParsedWithIncludeGlobsAndCycles() throws Exception {
    assertThat(new LibraryResolver(root).confDirs())
        .containsExactly("/opt/conf2/lib", "/opt/conf3/lib", "/opt/conf1/lib");
    LibraryResolver.Closure closure = resolve("/opt/c/app-conf", Map.of());
    assertThat(found(closure, "libconf.so")).contains("/opt/conf3/lib/libconf.so");
    assertThat(closure.missing()).extracting(LibraryResolver.Missing::name).contains("libhidden.so");
  }

  @Test
  void wrongClassMachineAndNonElfCandidatesAreSkipped() throws Exception {
    LibraryResolver.Closure closure = resolve("/opt/w/app-wrong", Map.of());
    assertThat(found(closure, "libdep.so")).contains("/opt/b/lib/libdep.so");
    assertThat(closure.missing()).extracting(LibraryResolver.Missing::name).doesNotContain("libfrom32.so");
  }

  @Test
  void defaultDirectoriesAndSymlinkChainsAreKept() throws Exception {
    LibraryResolver.Closure closure = resolve("/opt/d/app-def", Map.of());
    assertThat(found(closure, "libdef.so")).contains("/lib/x86_64-linux-gnu/libdef.so");
    assertThat(real(closure, "libalt.so")).isEqualTo("/opt/alt/libalt-impl.so");
    assertThat(closure.requirements()).extracting(Requirement::path).contains(
        "/lib", "/usr/lib/x86_64-linux-gnu/libdef.so",
        "/usr/lib/x86_64-linux-gnu/libalt.so", "/etc/alternatives/libalt.so", "/opt/alt/libalt-impl.so");
    assertThat(closure.requirements()).filteredOn(r -> r.path().equals("/etc/alternatives/libalt.so"))
        .singleElement().extracting(Requirement::reason).asString()
        .startsWith("symlink on the way from /lib/x86_64-linux-gnu/libalt.so to /opt/alt/libalt-impl.so")
        .endsWith("NEEDED libalt.so by /opt/d/app-def");
  }

  @Test
  void nodeflibSkipsTheDefaultDirectories() throws Exception {
    LibraryResolver.Closure closure = resolve("/opt/d/app-nodeflib", Map.of());
    assertThat(found(closure, "libdef.so")).isEmpty();
    assertThat(closure.missing()).extracting(LibraryResolver.Missing::name).contains("libdef.so");
  }

  @Test
  void runtimeLibrariesComeWithLibcWhenPresentAndAreNeverMissing() throws Exception {
    LibraryResolver.Closure closure = resolve("/opt/d/app-libc", Map.of());
    assertThat(closure.objects()).filteredOn(o -> o.name().equals("libgcc_s.so.1")).singleElement()
        .satisfies(o -> {
          assertThat(o.realPath()).isEqualTo("/usr/lib/x86_64-linux-gnu/libgcc_s.so.1");
          assertThat(o.reason()).startsWith(
              "RUNTIME libgcc_s.so.1 loaded by /lib/x86_64-linux-gnu/libc.so.6 without NEEDED: ");
        });
    assertThat(closure.objects()).extracting(LibraryResolver.Loaded::name).doesNotContain("libnss_files.so.2");
    assertThat(closure.missing()).extracting(LibraryResolver.Missing::name)
        .containsExactly("/lib64/ld-linux-x86-64.so.2");

    assertThat(resolve("/opt/d/app-def", Map.of()).objects()).extracting(LibraryResolver.Loaded::name)
        .doesNotContain("libgcc_s.so.1");
  }

  @Test
  void missingLibrariesAreReportedWithWhoNeededThem() throws Exception {
    LibraryResolver.Closure closure = resolve("/opt/abs/app-abs", Map.of());
    assertThat(found(closure, "/opt/abs/libabs.so")).contains("/opt/abs/libabs.so");
    assertThat(closure.missing()).extracting(LibraryResolver.Missing::name, LibraryResolver.Missing::neededBy)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("/lib64/ld-linux-x86-64.so.2", "/opt/abs/app-abs"),
            org.assertj.core.groups.Tuple.tuple("libmissing.so.7", "/opt/abs/app-abs"));
  }

  @Test
  void preloadsAreLoaded(@TempDir Path other) throws Exception {
    RootFs preRoot = new RootFs(other);
    copy(root, "/opt/rp/bin/app-rpath", preRoot);
    copy(root, "/opt/a/lib/libdep.so", preRoot);
    copy(root, "/opt/a/lib/libleaf.so", preRoot);
    copy(root, "/opt/a/lib/libmid.so", preRoot);
    Files.createDirectories(preRoot.host("/etc"));
    Files.writeString(preRoot.host("/etc/ld.so.preload"), "/opt/a/lib/libleaf.so\n");
    LibraryResolver.Closure closure = new LibraryResolver(preRoot, Map.of("LD_PRELOAD", "libmid.so"))
        .resolve("/opt/rp/bin/app-rpath");
    assertThat(closure.objects()).extracting(LibraryResolver.Loaded::name, LibraryResolver.Loaded::reason)
        .contains(
            org.assertj.core.groups.Tuple.tuple("libmid.so", "LD_PRELOAD libmid.so of /opt/rp/bin/app-rpath"),
            org.assertj.core.groups.Tuple.tuple("/opt/a/lib/libleaf.so", "/etc/ld.so.preload lists /opt/a/lib/libleaf.so"));
  }

  /** Hand-written aarch64 files: default dirs, $LIB and $PLATFORM follow e_machine. */
  @Test
  void multiarchDirectoriesFollowTheMachine(@TempDir Path other) throws Exception {
    RootFs arm = new RootFs(other);
    writeTiny(arm, "/usr/bin/armapp", ElfFile.EM_AARCH64, null,
        List.of("libfoo.so.1", "libbar.so", "libbaz.so"), "/opt/$LIB/x:/opt/${PLATFORM}", "/lib/ld-linux-aarch64.so.1");
    writeTiny(arm, "/usr/lib/x86_64-linux-gnu/libfoo.so.1", ElfFile.EM_X86_64, "libfoo.so.1", List.of(), null, null);
    writeTiny(arm, "/usr/lib/aarch64-linux-gnu/libfoo.so.1", ElfFile.EM_AARCH64, "libfoo.so.1", List.of(), null, null);
    writeTiny(arm, "/opt/lib/aarch64-linux-gnu/x/libbar.so", ElfFile.EM_AARCH64, "libbar.so", List.of(), null, null);
    writeTiny(arm, "/opt/aarch64/libbaz.so", ElfFile.EM_AARCH64, "libbaz.so", List.of(), null, null);

    LibraryResolver.Closure closure = new LibraryResolver(arm).resolve("/usr/bin/armapp");
    assertThat(found(closure, "libfoo.so.1")).contains("/usr/lib/aarch64-linux-gnu/libfoo.so.1");
    assertThat(found(closure, "libbar.so")).contains("/opt/lib/aarch64-linux-gnu/x/libbar.so");
    assertThat(found(closure, "libbaz.so")).contains("/opt/aarch64/libbaz.so");
    assertThat(closure.missing()).extracting(LibraryResolver.Missing::name)
        .containsExactly("/lib/ld-linux-aarch64.so.1");
  }

  // ---- helpers ----

  private static void writeTiny(RootFs in, String imagePath, int machine, String soname,
      List<String> needed, String runpath, String interp) throws IOException {
    Files.createDirectories(in.host(imagePath).getParent());
    Files.write(in.host(imagePath),
        TinyElf.build(64, ByteOrder.LITTLE_ENDIAN, machine, soname, needed, runpath, interp));
  }

  private static LibraryResolver.Closure resolve(String path, Map<String, String> env) throws IOException {
    return new LibraryResolver(root, env).resolve(path);
  }

  private static Optional<String> found(LibraryResolver.Closure c, String name) {
    return c.objects().stream().filter(o -> o.name().equals(name)).map(LibraryResolver.Loaded::path).findFirst();
  }

  private static String real(LibraryResolver.Closure c, String name) {
    return c.objects().stream().filter(o -> o.name().equals(name)).map(LibraryResolver.Loaded::realPath)
        .findFirst().orElseThrow(() -> new AssertionError(name + " not loaded: " + c.objects()));
  }

  private static Path host(String imagePath) {
    return root.host(imagePath);
  }

  private static void lib(String imagePath, String soname, String... extra) throws Exception {
    Files.createDirectories(host(imagePath).getParent());
    List<String> cmd = new ArrayList<>(List.of("gcc", "-nostdlib", "-shared", "-fPIC",
        "-o", host(imagePath).toString(), build.resolve("who.c").toString(), "-Wl,-soname," + soname, "-Wl,--no-as-needed"));
    cmd.addAll(List.of(extra));
    Tools.run(cmd);
  }

  /** A program (PIE with PT_INTERP) with the given NEEDED entries, built against stub libraries. */
  private static void exe(String imagePath, List<String> needed, String... extra) throws Exception {
    Files.createDirectories(host(imagePath).getParent());
    List<String> cmd = new ArrayList<>(List.of("gcc", "-nostdlib", "-o", host(imagePath).toString(),
        build.resolve("main.c").toString(), "-Wl,--no-as-needed,--allow-shlib-undefined"));
    for (String name : needed) {
      Path stub = build.resolve("stubs").resolve(name.replace('/', '_'));
      Files.createDirectories(stub.getParent());
      if (!Files.exists(stub)) {
        Tools.run(List.of("gcc", "-nostdlib", "-shared", "-fPIC", "-o", stub.toString(),
            build.resolve("who.c").toString(), "-Wl,-soname," + name));
      }
      cmd.add(stub.toString());
    }
    cmd.addAll(List.of(extra));
    Tools.run(cmd);
  }

  private static void link(String imagePath, String target) throws IOException {
    Files.createDirectories(host(imagePath).getParent());
    Files.createSymbolicLink(host(imagePath), Path.of(target));
  }

  private static void write(String imagePath, String text) throws IOException {
    Files.createDirectories(host(imagePath).getParent());
    Files.writeString(host(imagePath), text);
  }

  private static void copy(RootFs from, String imagePath, RootFs to) throws IOException {
    Files.createDirectories(to.host(imagePath).getParent());
    Files.copy(from.host(imagePath), to.host(imagePath));
  }
}

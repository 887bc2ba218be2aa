package dev.shrink.elf;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shrink.closure.Analyser;
import dev.shrink.closure.Requirement;
import dev.shrink.fs.RootFs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The resolver on the host's own root, compared with pax-utils lddtree. */
class LibraryResolverHostTest {
  private static final RootFs HOST = new RootFs(Path.of("/"));
  private static final String DYNLOAD = "/usr/lib/python3.11/lib-dynload/";

  @ParameterizedTest
  @ValueSource(strings = {
      "/usr/bin/python3.11",
      "/usr/bin/python3",
      DYNLOAD + "_ssl.cpython-311-x86_64-linux-gnu.so",
      DYNLOAD + "_hashlib.cpython-311-x86_64-linux-gnu.so",
      DYNLOAD + "_sqlite3.cpython-311-x86_64-linux-gnu.so",
      DYNLOAD + "_ctypes.cpython-311-x86_64-linux-gnu.so",
      DYNLOAD + "_lzma.cpython-311-x86_64-linux-gnu.so",
      DYNLOAD + "_bz2.cpython-311-x86_64-linux-gnu.so",
      DYNLOAD + "_curses.cpython-311-x86_64-linux-gnu.so",
      DYNLOAD + "readline.cpython-311-x86_64-linux-gnu.so",
      DYNLOAD + "_dbm.cpython-311-x86_64-linux-gnu.so",
      DYNLOAD + "_uuid.cpython-311-x86_64-linux-gnu.so"})
  void sameRealFilesAsLddtree(String file) throws Exception {
    Set<String> expected = new TreeSet<>();
    String out = Tools.run(List.of("/usr/bin/python3", "/usr/bin/lddtree", "-l", file));
    for (String line : out.split("\n")) {
      if (!line.isBlank()) {
        expected.add(Path.of(line.strip()).toRealPath().toString());
      }
    }

    LibraryResolver.Closure closure = new LibraryResolver(HOST).resolve(file);

    Set<String> got = closure.objects().stream()
        .filter(o -> !o.reason().startsWith("RUNTIME"))
        .map(LibraryResolver.Loaded::realPath)
        .collect(Collectors.toCollection(TreeSet::new));
    assertThat(expected).hasSizeGreaterThan(2);
    assertThat(got).isEqualTo(expected);
    assertThat(closure.missing()).isEmpty();
    assertThat(closure.requirements()).allSatisfy(r -> assertThat(r.analyser()).isEqualTo(Analyser.ELF));
  }

  @Test
  void reasonsNameTheNeededEntryAndWhoAskedForIt() throws Exception {
    String ssl = DYNLOAD + "_ssl.cpython-311-x86_64-linux-gnu.so";
    LibraryResolver.Closure closure = new LibraryResolver(HOST).resolve(ssl);
    assertThat(closure.requirements())
        .contains(new Requirement("/usr/lib/x86_64-linux-gnu/libssl.so.3", Analyser.ELF, "NEEDED libssl.so.3 by " + ssl, ssl));

    LibraryResolver.Closure python = new LibraryResolver(HOST).resolve("/usr/bin/python3.11");
    assertThat(python.requirements()).contains(new Requirement(
        "/usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2", Analyser.ELF, "PT_INTERP of /usr/bin/python3.11", "/usr/bin/python3.11"));
    assertThat(python.requirements()).filteredOn(r -> r.path().equals("/usr/bin/python3.11"))
        .as("the analysed file is the root of its closure").allSatisfy(r -> assertThat(r.from()).isNull());
  }

  @Test
  void runtimeLibrariesOfGlibcAreAddedWithTheirReason() throws Exception {
    LibraryResolver.Closure closure = new LibraryResolver(HOST).resolve("/usr/bin/python3.11");
    assertThat(closure.objects())
        .filteredOn(o -> o.name().equals("libgcc_s.so.1"))
        .singleElement()
        .satisfies(o -> {
          assertThat(o.realPath()).isEqualTo(Path.of("/lib/x86_64-linux-gnu/libgcc_s.so.1").toRealPath().toString());
          assertThat(o.reason()).startsWith("RUNTIME libgcc_s.so.1 loaded by /lib/x86_64-linux-gnu/libc.so.6")
              .contains("pthread_cancel");
        });
    assertThat(closure.objects()).extracting(LibraryResolver.Loaded::name)
        .contains("libnss_files.so.2", "libnss_dns.so.2");
  }

  /**
   * /lib64/ld-linux-x86-64.so.2 goes through three links on Debian (/lib64 -> usr/lib64, the file
   * link to /lib/x86_64-linux-gnu/..., /lib -> usr/lib). Copying just the requirements into an
   * empty root must make every path ld.so uses work again.
   */
  @Test
  void copyingTheRequirementsReproducesEveryPath(@TempDir Path copy) throws Exception {
    LibraryResolver.Closure closure = new LibraryResolver(HOST).resolve("/usr/bin/python3");
    List<String> paths = closure.requirements().stream().map(Requirement::path).toList();
    assertThat(paths).contains("/lib64", "/usr/lib64/ld-linux-x86-64.so.2", "/lib",
        "/usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2", "/usr/bin/python3", "/usr/bin/python3.11");

    RootFs target = new RootFs(copy);
    for (String p : paths) {
      Path from = HOST.host(p);
      Path to = target.host(p);
      Files.createDirectories(to.getParent());
      if (Files.isSymbolicLink(from)) {
        Files.createSymbolicLink(to, Files.readSymbolicLink(from));
      } else {
        Files.createDirectories(to.getParent());
        Files.writeString(to, "copy of " + p);
      }
    }
    for (LibraryResolver.Loaded o : closure.objects()) {
      assertThat(target.resolve(o.path())).as(o.path()).isPresent()
          .get().extracting(RootFs.Resolved::path).isEqualTo(o.realPath());
    }
  }
}

package dev.shrink.probe;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The parser over real strace 6.1 output ({@code -f -qq -y --seccomp-bpf}) captured from fixture runs. */
class StraceParserTest {
  static List<String> resource(String name) throws IOException {
    try (InputStream in = StraceParserTest.class.getResourceAsStream(name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
    }
  }

  static List<String> paths(List<StraceParser.Event> events) {
    return events.stream().map(StraceParser.Event::path).distinct().toList();
  }

  @Test
  void dynamicAppTraceHasThePluginTheDataFileAndTheDlopenedLibrary() throws IOException {
    List<StraceParser.Event> events = StraceParser.parse(resource("dynamic.trace"));
    assertThat(paths(events)).contains(
        "/usr/bin/python3",
        "/app/plugins.conf",
        "/usr/lib/python3.11/colorsys.py",
        "/usr/lib/python3.11/__pycache__/colorsys.cpython-311.pyc",
        "/usr/share/common-licenses/Apache-2.0",
        "/lib/x86_64-linux-gnu/libzstd.so.1");
    // the descriptor an open returned, links resolved (-y)
    assertThat(events).anySatisfy(e -> {
      assertThat(e.path()).isEqualTo("/lib/x86_64-linux-gnu/libzstd.so.1");
      assertThat(e.opened()).isEqualTo("/usr/lib/x86_64-linux-gnu/libzstd.so.1.5.4");
    });
    assertThat(events).anySatisfy(e -> {
      assertThat(e.syscall()).isEqualTo("execve");
      assertThat(e.path()).isEqualTo("/usr/bin/python3");
    });
  }

  @Test
  void failedCallsAreIgnored() throws IOException {
    List<StraceParser.Event> events = StraceParser.parse(resource("dynamic.trace"));
    // "access("/etc/ld.so.preload", R_OK) = -1 ENOENT" and the ENOTDIR probes of the import system
    assertThat(paths(events)).doesNotContain("/etc/ld.so.preload").noneMatch(p -> p.endsWith("__init__.cpython-311-x86_64-linux-gnu.so"));
    // readlink of a non-link: EINVAL
    assertThat(StraceParser.parse(List.of("9     readlink(\"/usr/bin/python3.11\", 0x7ffe87dae560, 4096) = -1 EINVAL (Invalid argument)"))).isEmpty();
    assertThat(StraceParser.parse(List.of("9     readlink(\"/usr/bin/python3\", \"python3.11\", 4096) = 10")))
        .extracting(StraceParser.Event::path).containsExactly("/usr/bin/python3");
  }

  @Test
  void notFoundModeKeepsOnlyTheLookupsThatFailedWithEnoent() throws IOException {
    List<StraceParser.Event> missing = StraceParser.parseNotFound(resource("dynamic.trace"));
    assertThat(paths(missing)).contains("/etc/ld.so.preload")
        .doesNotContain("/usr/bin/python3", "/usr/share/common-licenses/Apache-2.0");
    // EINVAL, ENOTDIR and successes are not "looked for and not found"
    assertThat(StraceParser.parseNotFound(List.of(
        "9     readlink(\"/usr/bin/python3.11\", 0x7ffe87dae560, 4096) = -1 EINVAL (Invalid argument)",
        "9     newfstatat(AT_FDCWD</app>, \"x/y\", 0x7ffe, 0) = -1 ENOTDIR (Not a directory)",
        "9     openat(AT_FDCWD</app>, \"plugins.conf\", O_RDONLY|O_CLOEXEC) = 3</app/plugins.conf>",
        "9     openat(AT_FDCWD</app>, \"data/licence\", O_RDONLY|O_CLOEXEC) = -1 ENOENT (No such file or directory)")))
        .extracting(StraceParser.Event::path, StraceParser.Event::syscall).containsExactly(org.assertj.core.groups.Tuple.tuple("/app/data/licence", "openat"));
  }

  @Test
  void unfinishedAndResumedPairsAreJoinedPerPid() throws IOException {
    List<StraceParser.Event> events = StraceParser.parse(resource("multi-excerpt.trace"));
    // 17 execve <unfinished ...> ... 17 <... execve resumed>) = 0, interleaved with pid 9
    assertThat(events).anySatisfy(e -> {
      assertThat(e.pid()).isEqualTo(17);
      assertThat(e.syscall()).isEqualTo("execve");
      assertThat(e.path()).isEqualTo("/usr/bin/python3");
    });
    // openat ... <unfinished ...> resumed with = 3</usr/lib/x86_64-linux-gnu/libm.so.6>
    assertThat(events).anySatisfy(e -> {
      assertThat(e.pid()).isEqualTo(17);
      assertThat(e.path()).isEqualTo("/lib/x86_64-linux-gnu/libm.so.6");
      assertThat(e.opened()).isEqualTo("/usr/lib/x86_64-linux-gnu/libm.so.6");
    });
    // newfstatat <unfinished ...> resumed with -1 ENOENT: not a file
    assertThat(events).noneMatch(e -> e.path().equals("/dev/shm/sem.7DgR8P") && e.syscall().equals("newfstatat"));
    // 17 access("/etc/ld.so.preload" <unfinished ...> resumed -1 ENOENT
    assertThat(paths(events)).doesNotContain("/etc/ld.so.preload");
  }

  @Test
  void relativePathsAreResolvedAgainstTheDecoratedDirectory() {
    List<StraceParser.Event> events = StraceParser.parse(List.of(
        "6588  openat(AT_FDCWD</tmp/ytest>, \"a\", O_RDONLY) = 3</tmp/ytest/a>",
        "6590  newfstatat(AT_FDCWD</usr>, \"lib/../bin\", {st_mode=S_IFDIR|0755, st_size=4096, ...}, 0) = 0",
        "6591  openat(4</usr/lib/python3.11>, \"os.py\", O_RDONLY) = 5</usr/lib/python3.11/os.py>",
        "6591  newfstatat(5</usr/lib/python3.11/os.py>, \"\", {st_mode=S_IFREG|0644, st_size=1, ...}, AT_EMPTY_PATH) = 0",
        "6592  chdir(\"/srv\") = 0",
        "6592  stat(\"data/x\\303\\274.txt\", {st_mode=S_IFREG|0644, st_size=1, ...}) = 0",
        "6593  +++ exited with 0 +++"));
    assertThat(events).extracting(StraceParser.Event::path)
        .containsExactly("/tmp/ytest/a", "/usr/bin", "/usr/lib/python3.11/os.py", "/srv", "/srv/data/x\u00fc.txt");
  }
}

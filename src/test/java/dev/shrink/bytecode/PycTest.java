package dev.shrink.bytecode;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Headers of real bytecode files written by Debian's python3 3.11. */
class PycTest {
  @TempDir Path tmp;
  Path source;

  @BeforeEach
  void source() throws Exception {
    source = Files.writeString(tmp.resolve("mod.py"), "\"\"\"A module.\"\"\"\nVALUE = 1\n");
  }

  Path compile(String mode) throws Exception {
    Path pyc = tmp.resolve(mode + ".pyc");
    Python3.run("-c", "import py_compile, sys; py_compile.compile(sys.argv[1], cfile=sys.argv[2], doraise=True, "
        + "invalidation_mode=py_compile.PycInvalidationMode." + mode + ")", source.toString(), pyc.toString());
    return pyc;
  }

  @Test
  void magicNumbersAreTheInterpretersOwn() throws Exception {
    String magic = Python3.run("-c", "import importlib.util; print(int.from_bytes(importlib.util.MAGIC_NUMBER[:2], 'little'))").strip();
    assertThat(Pyc.magic("3.11")).hasValue(Integer.parseInt(magic)).hasValue(3495);
    assertThat(Pyc.magic("3.12")).hasValue(3531);
    assertThat(Pyc.magic("2.7")).isEmpty();
  }

  @Test
  void aTimestampPycMatchesItsSourceUntilTheSourceChanges() throws Exception {
    Path pyc = compile("TIMESTAMP");
    Pyc header = Pyc.read(pyc).orElseThrow();
    assertThat(header.magic()).isEqualTo(3495);
    assertThat(header.flags()).isZero();
    assertThat(header.hashBased()).isFalse();
    assertThat(header.size()).isEqualTo(Files.size(source));
    assertThat(header.mtime()).isEqualTo(Files.getLastModifiedTime(source).toMillis() / 1000);
    assertThat(header.validFor(3495, source)).isTrue();
    assertThat(header.validFor(3531, source)).as("another interpreter's magic").isFalse();

    FileTime mtime = Files.getLastModifiedTime(source);
    Files.setLastModifiedTime(source, FileTime.fromMillis(mtime.toMillis() + 10_000));
    assertThat(header.validFor(3495, source)).as("source touched").isFalse();

    Files.writeString(source, "\"\"\"A module.\"\"\"\nVALUE = 22\n");
    Files.setLastModifiedTime(source, mtime);
    assertThat(header.validFor(3495, source)).as("same mtime, other size").isFalse();
  }

  @Test
  void hashBasedPycsAreReadButNeverTrusted() throws Exception {
    Pyc checked = Pyc.read(compile("CHECKED_HASH")).orElseThrow();
    Pyc unchecked = Pyc.read(compile("UNCHECKED_HASH")).orElseThrow();
    assertThat(checked.flags()).isEqualTo(3);
    assertThat(unchecked.flags()).isEqualTo(1);
    assertThat(checked.hashBased()).isTrue();
    assertThat(unchecked.hashBased()).isTrue();
    assertThat(checked.validFor(3495, source)).isFalse();
    assertThat(unchecked.validFor(3495, source)).isFalse();
  }

  @Test
  void filesThatAreNoBytecodeHaveNoHeader() throws Exception {
    assertThat(Pyc.read(source)).isEmpty();
    byte[] head = Files.readAllBytes(compile("TIMESTAMP"));
    assertThat(Pyc.read(Files.write(tmp.resolve("short.pyc"), java.util.Arrays.copyOf(head, 12)))).isEmpty();
    assertThat(Pyc.read(Files.write(tmp.resolve("empty.pyc"), new byte[0]))).isEmpty();
  }
}

package dev.shrink.elf;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * The constant data of an ELF file, where compiled code keeps its string literals: the loaded,
 * read-only, non-executable sections ({@code .rodata} and the like; not the symbol tables, which
 * hold function names rather than the code's strings). Cython 3.1 packs a module's identifiers into
 * one zlib stream in {@code .rodata}; such streams are returned inflated, apart.
 *
 * @param sections the bytes of each such section
 * @param inflated the zlib streams found in them, inflated; their strings are concatenated with no
 *     separator
 */
public record ElfData(List<byte[]> sections, List<byte[]> inflated) {
  private static final int SHT_PROGBITS = 1;
  private static final long SHF_WRITE = 0x1;
  private static final long SHF_EXECINSTR = 0x4;
  /** A smaller inflated stream is noise: two bytes that happen to look like a zlib header. */
  private static final int MIN_INFLATED = 64;

  public ElfData {
    sections = List.copyOf(sections);
    inflated = List.copyOf(inflated);
  }

  /** The constant data of {@code file}; empty when it is not ELF or its section headers are not understood. */
  public static ElfData read(Path file) throws IOException {
    byte[] bytes = Files.readAllBytes(file);
    ElfReader r = ElfStrip.parse(bytes);
    List<byte[]> sections = new ArrayList<>();
    List<byte[]> inflated = new ArrayList<>();
    if (r == null) {
      return new ElfData(sections, inflated);
    }
    for (ElfReader.Section s : r.sections) {
      if (s.type() == SHT_PROGBITS && s.loaded() && (s.flags() & (SHF_WRITE | SHF_EXECINSTR)) == 0) {
        byte[] data = new byte[(int) s.size()];
        System.arraycopy(bytes, (int) s.offset(), data, 0, data.length);
        sections.add(data);
        inflateAll(data, inflated);
      }
    }
    return new ElfData(sections, inflated);
  }

  /** Every zlib stream in {@code data} (a header byte pair, then a stream that inflates to its end). */
  private static void inflateAll(byte[] data, List<byte[]> out) {
    for (int i = 0; i + 2 < data.length; i++) {
      int cmf = data[i] & 0xff;
      int flg = data[i + 1] & 0xff;
      if (cmf != 0x78 || (cmf * 256 + flg) % 31 != 0) {
        continue;
      }
      byte[] inflated = inflate(data, i);
      if (inflated != null && inflated.length >= MIN_INFLATED) {
        out.add(inflated);
      }
    }
  }

  private static byte[] inflate(byte[] data, int from) {
    Inflater inflater = new Inflater();
    try {
      inflater.setInput(data, from, data.length - from);
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      byte[] buf = new byte[8192];
      while (!inflater.finished()) {
        int n = inflater.inflate(buf);
        if (n == 0 && !inflater.finished()) { // needs input past the section, or a dictionary: not a stream
          return null;
        }
        out.write(buf, 0, n);
      }
      return out.toByteArray();
    } catch (DataFormatException e) {
      return null;
    } finally {
      inflater.end();
    }
  }
}

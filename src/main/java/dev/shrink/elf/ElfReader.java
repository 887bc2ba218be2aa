package dev.shrink.elf;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The one reader of ELF headers: the ELF header, the program headers and the section headers (with
 * their names), as records, through bounds-checked positional reads of a file or of bytes in memory.
 * {@link ElfFile}, {@link ElfStrip} and {@link ElfData} build on it. Extended numbering (PN_XNUM,
 * SHN_XINDEX: the real counts in section 0) is followed.
 */
final class ElfReader {
  static final int SHT_SYMTAB = 2;
  static final int SHT_NOBITS = 8;
  static final long SHF_ALLOC = 0x2;
  private static final int PN_XNUM = 0xffff;
  private static final int SHN_XINDEX = 0xffff;

  /** Positional reads: fills {@code b} from {@code offset} on, returns the count read or -1 at the end. */
  @FunctionalInterface
  interface Source {
    int read(ByteBuffer b, long offset) throws IOException;
  }

  /** The ELF header fields, as written (counts not yet corrected for extended numbering). */
  record Header(int type, int machine, long phoff, long shoff, int phentsize, int phnum, int shentsize, int shnum, int shstrndx) {}

  /** One program header. */
  record Segment(int type, long offset, long vaddr, long filesz) {}

  /** One section header; {@code name} is null when the name table has no terminated string there. */
  record Section(int index, String name, int type, long flags, long offset, long size, int link, int info, long align) {
    boolean loaded() {
      return (flags & SHF_ALLOC) != 0;
    }

    long fileEnd() {
      return type == SHT_NOBITS ? offset : offset + size;
    }
  }

  final Path file;
  final long size;
  final boolean is64;
  final ByteOrder order;
  final Header header;
  final List<Segment> segments;
  /** Every section header, section 0 included; empty when the file has no section header table. */
  final List<Section> sections;
  private final Source source;

  /** The headers of {@code file}, or empty when it does not start with the ELF magic. */
  static Optional<ElfReader> open(Path file, long size, Source source) throws IOException {
    ByteBuffer ident = ByteBuffer.allocate(16);
    while (ident.hasRemaining() && source.read(ident, ident.position()) > 0) {}
    byte[] id = ident.array();
    if (ident.position() < 4 || id[0] != 0x7f || id[1] != 'E' || id[2] != 'L' || id[3] != 'F') {
      return Optional.empty();
    }
    return Optional.of(new ElfReader(file, size, source, id));
  }

  /** The headers of an ELF file's bytes, or empty when they do not start with the ELF magic. */
  static Optional<ElfReader> open(Path file, byte[] bytes) throws IOException {
    return open(file, bytes.length, (b, offset) -> {
      if (offset >= bytes.length) {
        return -1;
      }
      int n = (int) Math.min(b.remaining(), bytes.length - offset);
      b.put(bytes, (int) offset, n);
      return n;
    });
  }

  private ElfReader(Path file, long size, Source source, byte[] ident) throws IOException {
    this.file = file;
    this.size = size;
    this.source = source;
    if (size < 16) {
      throw bad("file of " + size + " bytes is shorter than e_ident");
    }
    this.is64 = switch (ident[4]) {
      case 1 -> false;
      case 2 -> true;
      default -> throw bad("unknown EI_CLASS " + ident[4]);
    };
    this.order = switch (ident[5]) {
      case 1 -> ByteOrder.LITTLE_ENDIAN;
      case 2 -> ByteOrder.BIG_ENDIAN;
      default -> throw bad("unknown EI_DATA " + ident[5]);
    };
    this.header = readHeader();
    if (header.phnum() > 0 && header.phentsize() < (is64 ? 56 : 32)) {
      throw bad("e_phentsize " + header.phentsize() + " is too small");
    }
    if (header.shoff() != 0 && header.shentsize() < (is64 ? 64 : 40)) {
      throw bad("e_shentsize " + header.shentsize() + " is too small");
    }
    Section zero = header.shoff() != 0 ? section(0, null) : null;
    int phnum = header.phnum() == PN_XNUM && zero != null ? zero.info() : header.phnum();
    this.segments = readSegments(phnum);
    this.sections = zero == null ? List.of() : readSections(zero);
  }

  private Header readHeader() throws IOException {
    ByteBuffer h = bytes(16, is64 ? 48 : 36, "ELF header");
    int type = u16(h);
    int machine = u16(h);
    h.getInt(); // e_version
    word(h); // e_entry
    long phoff = word(h);
    long shoff = word(h);
    h.getInt(); // e_flags
    u16(h); // e_ehsize
    return new Header(type, machine, phoff, shoff, u16(h), u16(h), u16(h), u16(h), u16(h));
  }

  private List<Segment> readSegments(int count) throws IOException {
    List<Segment> out = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      ByteBuffer p = bytes(header.phoff() + (long) i * header.phentsize(), is64 ? 56 : 32, "program header " + i);
      int type = p.getInt();
      if (is64) {
        p.getInt(); // p_flags
      }
      long offset = word(p);
      long vaddr = word(p);
      word(p); // p_paddr
      out.add(new Segment(type, offset, vaddr, word(p)));
    }
    return List.copyOf(out);
  }

  /** Section 0 carries the overflow counts: the section count in sh_size, the name table's index in sh_link. */
  private List<Section> readSections(Section zero) throws IOException {
    int count = header.shnum() == 0 ? (int) zero.size() : header.shnum();
    int strndx = header.shstrndx() == SHN_XINDEX ? zero.link() : header.shstrndx();
    ByteBuffer names = null;
    if (strndx > 0 && strndx < count) {
      Section n = section(strndx, null);
      names = bytes(n.offset(), (int) Math.min(n.size(), Integer.MAX_VALUE), "section name table");
    }
    List<Section> out = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      out.add(section(i, names));
    }
    return List.copyOf(out);
  }

  private Section section(int index, ByteBuffer names) throws IOException {
    ByteBuffer b = bytes(header.shoff() + (long) index * header.shentsize(), is64 ? 64 : 40, "section header " + index);
    long name = Integer.toUnsignedLong(b.getInt());
    int type = b.getInt();
    long flags = word(b);
    word(b); // sh_addr
    long offset = word(b);
    long size = word(b);
    int link = b.getInt();
    int info = b.getInt();
    long align = word(b);
    return new Section(index, names == null ? null : cString(names, name), type, flags, offset, size, link, info, align);
  }

  /** {@code length} bytes at {@code offset}, in the file's byte order; a read past the end is malformed. */
  ByteBuffer bytes(long offset, int length, String what) throws IOException {
    if (offset < 0 || length < 0 || offset > size - length) {
      throw bad(what + " at offset " + offset + " (+" + length + ") is past the end of the file ("
          + size + " bytes): truncated?");
    }
    ByteBuffer b = ByteBuffer.allocate(length).order(order);
    while (b.hasRemaining()) {
      if (source.read(b, offset + b.position()) < 0) {
        throw bad(what + " at offset " + offset + ": unexpected end of file");
      }
    }
    return b.flip();
  }

  /** An address or offset: 8 bytes in ELF64, 4 unsigned in ELF32. */
  long word(ByteBuffer b) {
    return is64 ? b.getLong() : Integer.toUnsignedLong(b.getInt());
  }

  private static int u16(ByteBuffer b) {
    return Short.toUnsignedInt(b.getShort());
  }

  /** Index of the first NUL byte, or the limit when there is none. */
  static int nul(ByteBuffer b) {
    int end = 0;
    while (end < b.limit() && b.get(end) != 0) {
      end++;
    }
    return end;
  }

  /** The NUL-terminated string at {@code at} of a string table; null when it runs off the table. */
  private static String cString(ByteBuffer table, long at) {
    for (long p = at; p < table.limit(); p++) {
      if (table.get((int) p) == 0) {
        byte[] s = new byte[(int) (p - at)];
        table.get((int) at, s);
        return new String(s, StandardCharsets.ISO_8859_1);
      }
    }
    return null;
  }

  ElfFile.MalformedException bad(String detail) {
    return new ElfFile.MalformedException(file, detail);
  }
}

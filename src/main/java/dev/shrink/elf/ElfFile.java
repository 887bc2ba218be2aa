package dev.shrink.elf;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The facts about one ELF file that the dynamic loader acts on. Everything but the two
 * symbol/debug flags comes from the program headers (PT_INTERP, PT_DYNAMIC, PT_LOAD), which is what
 * ld.so reads, so stripped files, even ones without section headers, parse the same.
 *
 * @param file the host file that was read
 * @param elfClass 32 or 64
 * @param byteOrder the byte order of the file (EI_DATA)
 * @param machine e_machine, for instance {@link #EM_X86_64}
 * @param type e_type, for instance {@link #ET_DYN}
 * @param interpreter PT_INTERP, the program interpreter path
 * @param needed DT_NEEDED entries in file order
 * @param soname DT_SONAME
 * @param rpath DT_RPATH, raw (colon separated, dynamic string tokens unexpanded)
 * @param runpath DT_RUNPATH, raw
 * @param flags1 DT_FLAGS_1, 0 when absent
 * @param hasSymtab a SHT_SYMTAB section (.symtab) exists
 * @param hasDebugInfo a {@code .debug_*} or {@code .zdebug_*} section exists
 */
public record ElfFile(
    Path file,
    int elfClass,
    ByteOrder byteOrder,
    int machine,
    int type,
    Optional<String> interpreter,
    List<String> needed,
    Optional<String> soname,
    Optional<String> rpath,
    Optional<String> runpath,
    long flags1,
    boolean hasSymtab,
    boolean hasDebugInfo) {

  public static final int ET_EXEC = 2;
  public static final int ET_DYN = 3;
  public static final int EM_386 = 3;
  public static final int EM_ARM = 40;
  public static final int EM_X86_64 = 62;
  public static final int EM_AARCH64 = 183;
  /** DT_FLAGS_1 bit: ignore ld.so.cache and the default directories for this object's deps. */
  public static final long DF_1_NODEFLIB = 0x800;

  private static final int PT_LOAD = 1;
  private static final int PT_DYNAMIC = 2;
  private static final int PT_INTERP = 3;
  private static final long DT_NULL = 0;
  private static final long DT_NEEDED = 1;
  private static final long DT_STRTAB = 5;
  private static final long DT_STRSZ = 10;
  private static final long DT_SONAME = 14;
  private static final long DT_RPATH = 15;
  private static final long DT_RUNPATH = 29;
  private static final long DT_FLAGS_1 = 0x6ffffffbL;
  private static final int SHT_SYMTAB = 2;

  public ElfFile {
    needed = List.copyOf(needed);
  }

  /** Thrown for a file that starts like ELF but is truncated or inconsistent; names the file. */
  public static final class MalformedException extends IOException {
    private static final long serialVersionUID = 1L;

    MalformedException(Path file, String detail) {
      super(file + ": malformed ELF: " + detail);
    }
  }

  /**
   * Reads the ELF facts of {@code file}. Returns empty when the file does not start with the ELF
   * magic (scripts, data, linker scripts named {@code libc.so}).
   *
   * @throws MalformedException when the file claims to be ELF but its headers are truncated or
   *     point outside the file
   */
  public static Optional<ElfFile> parse(Path file) throws IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      ByteBuffer ident = ByteBuffer.allocate(16);
      while (ident.hasRemaining() && ch.read(ident, ident.position()) > 0) {}
      byte[] id = ident.array();
      if (ident.position() < 4 || id[0] != 0x7f || id[1] != 'E' || id[2] != 'L' || id[3] != 'F') {
        return Optional.empty();
      }
      return Optional.of(new Reader(file, ch, id).read());
    }
  }

  /** Holds the open file while the headers are walked; positional reads only. */
  private static final class Reader {
    private final Path file;
    private final FileChannel ch;
    private final long size;
    private final boolean is64;
    private final ByteOrder order;
    private final List<long[]> loads = new ArrayList<>(); // {vaddr, offset, filesz}

    Reader(Path file, FileChannel ch, byte[] ident) throws IOException {
      this.file = file;
      this.ch = ch;
      this.size = ch.size();
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
    }

    ElfFile read() throws IOException {
      ByteBuffer h = bytes(16, is64 ? 48 : 36, "ELF header");
      int type = u16(h);
      int machine = u16(h);
      h.getInt(); // e_version
      word(h); // e_entry
      long phoff = word(h);
      long shoff = word(h);
      h.getInt(); // e_flags
      u16(h); // e_ehsize
      int phentsize = u16(h);
      int phnum = u16(h);
      int shentsize = u16(h);
      int shnum = u16(h);
      int shstrndx = u16(h);

      if (phnum > 0 && phentsize < (is64 ? 56 : 32)) {
        throw bad("e_phentsize " + phentsize + " is too small");
      }
      if (shoff != 0 && shentsize < (is64 ? 64 : 40)) {
        throw bad("e_shentsize " + shentsize + " is too small");
      }
      long[] section0 = shoff != 0 ? sectionZero(shoff, shentsize) : null;
      if (phnum == 0xffff && section0 != null) {
        phnum = (int) section0[2]; // PN_XNUM: real count in sh_info of section 0
      }
      Optional<String> interp = Optional.empty();
      long dynOffset = -1;
      long dynSize = 0;
      for (int i = 0; i < phnum; i++) {
        ByteBuffer p = bytes(phoff + (long) i * phentsize, is64 ? 56 : 32, "program header " + i);
        int ptype = p.getInt();
        if (is64) {
          p.getInt(); // p_flags
        }
        long offset = word(p);
        long vaddr = word(p);
        word(p); // p_paddr
        long filesz = word(p);
        if (ptype == PT_LOAD) {
          loads.add(new long[] {vaddr, offset, filesz});
        } else if (ptype == PT_INTERP) {
          interp = Optional.of(cString(bytes(offset, (int) Math.min(filesz, 4096), "PT_INTERP")));
        } else if (ptype == PT_DYNAMIC) {
          dynOffset = offset;
          dynSize = filesz;
        }
      }

      List<String> needed = new ArrayList<>();
      Optional<String> soname = Optional.empty();
      Optional<String> rpath = Optional.empty();
      Optional<String> runpath = Optional.empty();
      long flags1 = 0;
      if (dynOffset >= 0) {
        List<long[]> dyn = dynamicEntries(dynOffset, dynSize);
        long strtab = -1;
        long strsz = -1;
        for (long[] d : dyn) {
          if (d[0] == DT_STRTAB) {
            strtab = d[1];
          } else if (d[0] == DT_STRSZ) {
            strsz = d[1];
          } else if (d[0] == DT_FLAGS_1) {
            flags1 = d[1];
          }
        }
        Strings strings = null;
        for (long[] d : dyn) {
          if (d[0] == DT_NEEDED || d[0] == DT_SONAME || d[0] == DT_RPATH || d[0] == DT_RUNPATH) {
            if (strings == null) {
              strings = strings(strtab, strsz);
            }
            String s = strings.at(d[1]);
            // Like ld.so, a repeated tag overrides an earlier one (except DT_NEEDED).
            if (d[0] == DT_NEEDED) {
              needed.add(s);
            } else if (d[0] == DT_SONAME) {
              soname = Optional.of(s);
            } else if (d[0] == DT_RPATH) {
              rpath = Optional.of(s);
            } else {
              runpath = Optional.of(s);
            }
          }
        }
      }

      boolean symtab = false;
      boolean debug = false;
      if (section0 != null) {
        int count = shnum == 0 ? (int) section0[1] : shnum;
        int strndx = shstrndx == 0xffff ? (int) section0[3] : shstrndx;
        long[] names = strndx > 0 && strndx < count ? section(shoff, shentsize, strndx) : null;
        for (int i = 1; i < count; i++) {
          long[] s = section(shoff, shentsize, i);
          symtab |= s[0] == SHT_SYMTAB;
          if (names != null && s[4] < names[2]) {
            String name = cString(bytes(names[1] + s[4], (int) Math.min(64, names[2] - s[4]), "section name"));
            debug |= name.startsWith(".debug_") || name.startsWith(".zdebug_");
          }
        }
      }
      return new ElfFile(file, is64 ? 64 : 32, order, machine, type, interp, needed, soname, rpath,
          runpath, flags1, symtab, debug);
    }

    private List<long[]> dynamicEntries(long offset, long filesz) throws IOException {
      int entry = is64 ? 16 : 8;
      List<long[]> out = new ArrayList<>();
      for (long at = offset; at + entry <= offset + filesz; at += entry) {
        ByteBuffer b = bytes(at, entry, "dynamic entry");
        long tag = is64 ? b.getLong() : b.getInt();
        long val = word(b);
        if (tag == DT_NULL) {
          break;
        }
        out.add(new long[] {tag, val});
      }
      return out;
    }

    /** DT_STRTAB is an address; the PT_LOAD segment that contains it says where it is in the file. */
    private Strings strings(long vaddr, long strsz) throws IOException {
      if (vaddr < 0) {
        throw bad("PT_DYNAMIC has string references but no DT_STRTAB");
      }
      for (long[] load : loads) {
        if (vaddr >= load[0] && vaddr < load[0] + load[2]) {
          long offset = load[1] + (vaddr - load[0]);
          long limit = load[1] + load[2] - offset;
          return new Strings(offset, strsz >= 0 ? Math.min(strsz, limit) : limit);
        }
      }
      throw bad("DT_STRTAB 0x" + Long.toHexString(vaddr) + " is in no PT_LOAD segment");
    }

    private final class Strings {
      private final long offset;
      private final long size;

      Strings(long offset, long size) {
        this.offset = offset;
        this.size = size;
      }

      String at(long index) throws IOException {
        if (index < 0 || index >= size) {
          throw bad("string index " + index + " outside DT_STRTAB of " + size + " bytes");
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (long at = offset + index; at < offset + size; at += 256) {
          ByteBuffer b = bytes(at, (int) Math.min(256, offset + size - at), "DT_STRTAB");
          int nul = nul(b);
          out.write(b.array(), 0, nul);
          if (nul < b.limit()) {
            return out.toString(StandardCharsets.UTF_8);
          }
        }
        throw bad("unterminated string at DT_STRTAB index " + index);
      }
    }

    /** Section 0 carries the overflow counts: {type, sh_size, sh_info, sh_link}. */
    private long[] sectionZero(long shoff, int shentsize) throws IOException {
      long[] s = section(shoff, shentsize, 0);
      return new long[] {s[0], s[2], s[3], s[5]};
    }

    /** One section header as {type, offset, size, info, name, link}. */
    private long[] section(long shoff, int shentsize, int index) throws IOException {
      ByteBuffer b = bytes(shoff + (long) index * shentsize, is64 ? 64 : 40, "section header " + index);
      long name = Integer.toUnsignedLong(b.getInt());
      long type = Integer.toUnsignedLong(b.getInt());
      word(b); // sh_flags
      word(b); // sh_addr
      long offset = word(b);
      long size = word(b);
      long link = Integer.toUnsignedLong(b.getInt());
      long info = Integer.toUnsignedLong(b.getInt());
      return new long[] {type, offset, size, info, name, link};
    }

    private ByteBuffer bytes(long offset, int length, String what) throws IOException {
      if (offset < 0 || length < 0 || offset > size - length) {
        throw bad(what + " at offset " + offset + " (+" + length + ") is past the end of the file ("
            + size + " bytes): truncated?");
      }
      ByteBuffer b = ByteBuffer.allocate(length).order(order);
      while (b.hasRemaining()) {
        if (ch.read(b, offset + b.position()) < 0) {
          throw bad(what + " at offset " + offset + ": unexpected end of file");
        }
      }
      return b.flip();
    }

    private long word(ByteBuffer b) {
      return is64 ? b.getLong() : Integer.toUnsignedLong(b.getInt());
    }

    private static int u16(ByteBuffer b) {
      return Short.toUnsignedInt(b.getShort());
    }

    /** Index of the first NUL byte, or the limit when there is none. */
    private static int nul(ByteBuffer b) {
      int end = 0;
      while (end < b.limit() && b.get(end) != 0) {
        end++;
      }
      return end;
    }

    private static String cString(ByteBuffer b) {
      return new String(b.array(), 0, nul(b), StandardCharsets.UTF_8);
    }

    private MalformedException bad(String detail) {
      return new MalformedException(file, detail);
    }
  }
}

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
      Optional<ElfReader> r = ElfReader.open(file, ch.size(), ch::read);
      return r.isEmpty() ? Optional.empty() : Optional.of(of(r.get()));
    }
  }

  /** One entry of the dynamic section. */
  private record Dynamic(long tag, long value) {}

  private static ElfFile of(ElfReader r) throws IOException {
    Optional<String> interp = Optional.empty();
    Optional<ElfReader.Segment> dynamic = Optional.empty();
    for (ElfReader.Segment p : r.segments) {
      if (p.type() == PT_INTERP) {
        interp = Optional.of(cString(r.bytes(p.offset(), (int) Math.min(p.filesz(), 4096), "PT_INTERP")));
      } else if (p.type() == PT_DYNAMIC) {
        dynamic = Optional.of(p);
      }
    }
    List<Dynamic> dyn = dynamic.isPresent() ? dynamicEntries(r, dynamic.get()) : List.of();
    long strtab = -1;
    long strsz = -1;
    long flags1 = 0;
    for (Dynamic d : dyn) {
      if (d.tag() == DT_STRTAB) {
        strtab = d.value();
      } else if (d.tag() == DT_STRSZ) {
        strsz = d.value();
      } else if (d.tag() == DT_FLAGS_1) {
        flags1 = d.value();
      }
    }
    List<String> needed = new ArrayList<>();
    Optional<String> soname = Optional.empty();
    Optional<String> rpath = Optional.empty();
    Optional<String> runpath = Optional.empty();
    Strings strings = null;
    for (Dynamic d : dyn) {
      if (d.tag() == DT_NEEDED || d.tag() == DT_SONAME || d.tag() == DT_RPATH || d.tag() == DT_RUNPATH) {
        if (strings == null) {
          strings = Strings.of(r, strtab, strsz);
        }
        Optional<String> s = Optional.of(strings.at(d.value()));
        // Like ld.so, a repeated tag overrides an earlier one (except DT_NEEDED).
        if (d.tag() == DT_NEEDED) {
          needed.add(s.get());
        } else if (d.tag() == DT_SONAME) {
          soname = s;
        } else if (d.tag() == DT_RPATH) {
          rpath = s;
        } else {
          runpath = s;
        }
      }
    }
    boolean symtab = false;
    boolean debug = false;
    for (ElfReader.Section s : r.sections.subList(Math.min(1, r.sections.size()), r.sections.size())) {
      symtab |= s.type() == ElfReader.SHT_SYMTAB;
      debug |= s.name() != null && (s.name().startsWith(".debug_") || s.name().startsWith(".zdebug_"));
    }
    return new ElfFile(r.file, r.is64 ? 64 : 32, r.order, r.header.machine(), r.header.type(), interp, needed, soname, rpath,
        runpath, flags1, symtab, debug);
  }

  private static List<Dynamic> dynamicEntries(ElfReader r, ElfReader.Segment segment) throws IOException {
    int entry = r.is64 ? 16 : 8;
    List<Dynamic> out = new ArrayList<>();
    for (long at = segment.offset(); at + entry <= segment.offset() + segment.filesz(); at += entry) {
      ByteBuffer b = r.bytes(at, entry, "dynamic entry");
      long tag = r.is64 ? b.getLong() : b.getInt();
      long val = r.word(b);
      if (tag == DT_NULL) {
        break;
      }
      out.add(new Dynamic(tag, val));
    }
    return out;
  }

  /** The dynamic string table, found in the file through the PT_LOAD segment holding its address. */
  private record Strings(ElfReader r, long offset, long size) {
    static Strings of(ElfReader r, long vaddr, long strsz) throws IOException {
      if (vaddr < 0) {
        throw r.bad("PT_DYNAMIC has string references but no DT_STRTAB");
      }
      for (ElfReader.Segment load : r.segments) {
        if (load.type() == PT_LOAD && vaddr >= load.vaddr() && vaddr < load.vaddr() + load.filesz()) {
          long offset = load.offset() + (vaddr - load.vaddr());
          long limit = load.offset() + load.filesz() - offset;
          return new Strings(r, offset, strsz >= 0 ? Math.min(strsz, limit) : limit);
        }
      }
      throw r.bad("DT_STRTAB 0x" + Long.toHexString(vaddr) + " is in no PT_LOAD segment");
    }

    String at(long index) throws IOException {
      if (index < 0 || index >= size) {
        throw r.bad("string index " + index + " outside DT_STRTAB of " + size + " bytes");
      }
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      for (long at = offset + index; at < offset + size; at += 256) {
        ByteBuffer b = r.bytes(at, (int) Math.min(256, offset + size - at), "DT_STRTAB");
        int nul = ElfReader.nul(b);
        out.write(b.array(), 0, nul);
        if (nul < b.limit()) {
          return out.toString(StandardCharsets.UTF_8);
        }
      }
      throw r.bad("unterminated string at DT_STRTAB index " + index);
    }
  }

  private static String cString(ByteBuffer b) {
    return new String(b.array(), 0, ElfReader.nul(b), StandardCharsets.UTF_8);
  }
}

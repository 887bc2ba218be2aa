package dev.shrink.elf;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Removes what only debuggers and linkers read from an executable or shared library: the symbol
 * table ({@code .symtab}, its string table) and {@code .debug*}/{@code .zdebug*} sections, with the
 * relocations that apply to them. Only sections that are not loaded (no {@code SHF_ALLOC}) go.
 * Every byte that a program header covers keeps its offset, and the ELF header changes only in its
 * section header fields, so what ld.so maps is untouched; kept unloaded sections that lay after the
 * mapped part ({@code .shstrtab}, {@code .comment}, ...) are moved down and the section header
 * table is rewritten at the end, so the removed bytes are cut off. Files it does not understand
 * (relocatable objects, section groups, extended section numbering) are left alone.
 */
public final class ElfStrip {
  private static final int SHT_NOBITS = 8;
  private static final int SHT_SYMTAB = 2;
  private static final int SHT_RELA = 4;
  private static final int SHT_REL = 9;
  private static final int SHT_GROUP = 17;
  private static final long SHF_ALLOC = 0x2;
  private static final long SHF_INFO_LINK = 0x40;
  private static final int SHN_LORESERVE = 0xff00;

  private ElfStrip() {}

  /** One section header, as read. */
  record Section(int index, String name, int type, long flags, long offset, long size, int link, int info, long align) {
    boolean loaded() {
      return (flags & SHF_ALLOC) != 0;
    }

    long fileEnd() {
      return type == SHT_NOBITS ? offset : offset + size;
    }
  }

  /**
   * Writes a stripped copy of {@code in} to {@code out} and returns true, or returns false (and
   * writes nothing) when there is nothing to remove or the file is not one this can strip safely.
   */
  public static boolean strip(Path in, Path out) throws IOException {
    byte[] bytes = Files.readAllBytes(in);
    byte[] stripped = strip(bytes);
    if (stripped == null) {
      return false;
    }
    try (OutputStream o = Files.newOutputStream(out)) {
      o.write(stripped);
    }
    return true;
  }

  /** The stripped file, or null when there is nothing to remove or the file is not understood. */
  static byte[] strip(byte[] file) {
    Parsed p = parse(file);
    if (p == null || (p.h.type != ElfFile.ET_EXEC && p.h.type != ElfFile.ET_DYN)) {
      return null;
    }
    ByteBuffer b = p.b;
    Header h = p.h;
    boolean is64 = p.is64;
    List<Section> sections = p.sections;
    if (sections.stream().anyMatch(s -> s.type == SHT_GROUP)) {
      return null;
    }
    boolean[] drop = new boolean[sections.size()];
    for (Section s : sections) {
      drop[s.index] = s.index > 0 && !s.loaded() && s.index != h.shstrndx
          && (s.type == SHT_SYMTAB || s.name.startsWith(".debug") || s.name.startsWith(".zdebug"));
    }
    if (!closeOver(sections, drop, h.shstrndx)) {
      return null;
    }
    int[] newIndex = new int[sections.size()];
    int kept = 0;
    for (Section s : sections) {
      newIndex[s.index] = drop[s.index] ? -1 : kept++;
    }
    if (kept == sections.size()) {
      return null;
    }
    return rewrite(file, b, h, is64, sections, drop, newIndex, kept);
  }

  /** A file's bytes with its header and sections. */
  record Parsed(ByteBuffer b, Header h, boolean is64, List<Section> sections) {}

  /** Reads the header and section headers of an ELF file's bytes; null when they are not understood. */
  static Parsed parse(byte[] file) {
    if (file.length < 64 || file[0] != 0x7f || file[1] != 'E' || file[2] != 'L' || file[3] != 'F') {
      return null;
    }
    boolean is64 = file[4] == 2;
    ByteBuffer b = ByteBuffer.wrap(file).order(file[5] == 2 ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN);
    Header h = Header.read(b, is64);
    if (h.shnum == 0 || h.shstrndx == 0 || h.shstrndx >= SHN_LORESERVE
        || h.shentsize != (is64 ? 64 : 40) || h.shoff < 0 || h.shoff + (long) h.shnum * h.shentsize > file.length) {
      return null;
    }
    List<Section> sections = readSections(b, h, is64);
    return sections == null ? null : new Parsed(b, h, is64, sections);
  }

  /**
   * Also drops what only served dropped sections: the string table of a dropped symbol table (when
   * nothing kept links to it) and unloaded relocations of a dropped section. Returns false when a
   * loaded section links to a dropped one (then nothing is stripped).
   */
  private static boolean closeOver(List<Section> sections, boolean[] drop, int shstrndx) {
    boolean changed = true;
    while (changed) {
      changed = false;
      for (Section s : sections) {
        if (!drop[s.index] || s.type != SHT_SYMTAB || s.link <= 0 || s.link >= sections.size() || drop[s.link] || s.link == shstrndx) {
          continue;
        }
        Section strtab = sections.get(s.link);
        boolean usedByKept = sections.stream().anyMatch(o -> !drop[o.index] && o.index != strtab.index && o.link == strtab.index);
        if (!strtab.loaded() && !usedByKept) {
          drop[strtab.index] = true;
          changed = true;
        }
      }
      for (Section s : sections) {
        if (drop[s.index]) {
          continue;
        }
        boolean linksDropped = s.link > 0 && s.link < sections.size() && drop[s.link];
        boolean infoDropped = infoIsSection(s) && s.info > 0 && s.info < sections.size() && drop[s.info];
        if (linksDropped || infoDropped) {
          if (s.loaded()) {
            return false;
          }
          drop[s.index] = true;
          changed = true;
        }
      }
    }
    return true;
  }

  private static boolean infoIsSection(Section s) {
    return s.type == SHT_REL || s.type == SHT_RELA || (s.flags & SHF_INFO_LINK) != 0;
  }

  private static byte[] rewrite(byte[] file, ByteBuffer b, Header h, boolean is64, List<Section> sections, boolean[] drop, int[] newIndex,
      int kept) {
    long end = h.mappedEnd(b, is64, file.length);
    if (end < 0) {
      return null;
    }
    for (Section s : sections) {
      if (s.loaded() && s.fileEnd() > end) {
        end = s.fileEnd();
      }
    }
    List<Section> unloaded = new ArrayList<>(sections.stream().filter(s -> s.index > 0 && !drop[s.index] && !s.loaded()
        && s.type != SHT_NOBITS && s.size > 0).toList());
    unloaded.sort(Comparator.comparingLong(Section::offset));
    long[] newOffset = new long[sections.size()];
    for (Section s : sections) {
      newOffset[s.index] = s.offset;
    }
    List<Section> moved = new ArrayList<>();
    for (Section s : unloaded) {
      if (s.offset < end) {
        end = Math.max(end, s.fileEnd());
      } else {
        moved.add(s);
      }
    }
    long cursor = end;
    for (Section s : moved) {
      cursor = align(cursor, s.align);
      newOffset[s.index] = cursor;
      cursor += s.size;
    }
    long shoff = align(cursor, is64 ? 8 : 4);
    long total = shoff + (long) kept * h.shentsize;
    if (total > Integer.MAX_VALUE) {
      return null;
    }
    byte[] out = new byte[(int) total];
    System.arraycopy(file, 0, out, 0, (int) end);
    for (Section s : moved) {
      System.arraycopy(file, (int) s.offset, out, (int) newOffset[s.index], (int) s.size);
    }
    ByteBuffer o = ByteBuffer.wrap(out).order(b.order());
    for (Section s : sections) {
      if (drop[s.index]) {
        continue;
      }
      int at = (int) (shoff + (long) newIndex[s.index] * h.shentsize);
      System.arraycopy(file, (int) (h.shoff + (long) s.index * h.shentsize), out, at, h.shentsize);
      int link = s.link > 0 && s.link < sections.size() ? newIndex[s.link] : s.link;
      int info = infoIsSection(s) && s.info > 0 && s.info < sections.size() ? newIndex[s.info] : s.info;
      if (is64) {
        o.putLong(at + 24, newOffset[s.index]);
        o.putInt(at + 40, link);
        o.putInt(at + 44, info);
      } else {
        o.putInt(at + 16, (int) newOffset[s.index]);
        o.putInt(at + 24, link);
        o.putInt(at + 28, info);
      }
    }
    if (is64) {
      o.putLong(40, shoff);
      o.putShort(60, (short) kept);
      o.putShort(62, (short) newIndex[h.shstrndx]);
    } else {
      o.putInt(32, (int) shoff);
      o.putShort(48, (short) kept);
      o.putShort(50, (short) newIndex[h.shstrndx]);
    }
    return out;
  }

  private static long align(long value, long alignment) {
    return alignment <= 1 ? value : (value + alignment - 1) / alignment * alignment;
  }

  private static List<Section> readSections(ByteBuffer b, Header h, boolean is64) {
    int limit = b.capacity();
    List<long[]> raw = new ArrayList<>();
    for (int i = 0; i < h.shnum; i++) {
      int at = (int) (h.shoff + (long) i * h.shentsize);
      long[] s = is64
          ? new long[] {u32(b, at), u32(b, at + 4), b.getLong(at + 8), b.getLong(at + 24), b.getLong(at + 32), u32(b, at + 40),
              u32(b, at + 44), b.getLong(at + 48)}
          : new long[] {u32(b, at), u32(b, at + 4), u32(b, at + 8), u32(b, at + 16), u32(b, at + 20), u32(b, at + 24),
              u32(b, at + 28), u32(b, at + 32)};
      if (s[1] != SHT_NOBITS && i > 0 && (s[3] < 0 || s[4] < 0 || s[3] + s[4] > limit)) {
        return null;
      }
      raw.add(s);
    }
    long[] names = raw.get(h.shstrndx);
    List<Section> out = new ArrayList<>();
    for (int i = 0; i < raw.size(); i++) {
      long[] s = raw.get(i);
      String name = cString(b, names[3] + s[0], names[3] + names[4]);
      if (name == null) {
        return null;
      }
      out.add(new Section(i, name, (int) s[1], s[2], s[3], s[4], (int) s[5], (int) s[6], s[7]));
    }
    return out;
  }

  private static String cString(ByteBuffer b, long from, long limit) {
    StringBuilder sb = new StringBuilder();
    for (long p = from; p < limit; p++) {
      byte c = b.get((int) p);
      if (c == 0) {
        return sb.toString();
      }
      sb.append((char) (c & 0xff));
    }
    return null;
  }

  private static long u32(ByteBuffer b, int at) {
    return b.getInt(at) & 0xffffffffL;
  }

  /** The ELF header fields this needs. */
  record Header(int type, long phoff, int phentsize, int phnum, long shoff, int shentsize, int shnum, int shstrndx) {
    static Header read(ByteBuffer b, boolean is64) {
      int type = b.getShort(16) & 0xffff;
      return is64
          ? new Header(type, b.getLong(32), b.getShort(54) & 0xffff, b.getShort(56) & 0xffff, b.getLong(40), b.getShort(58) & 0xffff,
              b.getShort(60) & 0xffff, b.getShort(62) & 0xffff)
          : new Header(type, u32(b, 28), b.getShort(42) & 0xffff, b.getShort(44) & 0xffff, u32(b, 32), b.getShort(46) & 0xffff,
              b.getShort(48) & 0xffff, b.getShort(50) & 0xffff);
    }

    /** The end of what the loader reads: the headers and every segment's file bytes; -1 if inconsistent. */
    long mappedEnd(ByteBuffer b, boolean is64, long length) {
      long end = Math.max(is64 ? 64 : 52, phoff + (long) phnum * phentsize);
      if (end > length || phentsize != (is64 ? 56 : 32)) {
        return -1;
      }
      for (int i = 0; i < phnum; i++) {
        int at = (int) (phoff + (long) i * phentsize);
        long offset = is64 ? b.getLong(at + 8) : u32(b, at + 4);
        long filesz = is64 ? b.getLong(at + 32) : u32(b, at + 16);
        if (offset < 0 || filesz < 0 || offset + filesz > length) {
          return -1;
        }
        end = Math.max(end, offset + filesz);
      }
      return end;
    }
  }
}

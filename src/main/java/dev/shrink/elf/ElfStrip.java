package dev.shrink.elf;

import dev.shrink.elf.ElfReader.Header;
import dev.shrink.elf.ElfReader.Section;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
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
  private static final int SHT_NOBITS = ElfReader.SHT_NOBITS;
  private static final int SHT_SYMTAB = ElfReader.SHT_SYMTAB;
  private static final int SHT_RELA = 4;
  private static final int SHT_REL = 9;
  private static final int SHT_GROUP = 17;
  private static final long SHF_INFO_LINK = 0x40;
  private static final int SHN_LORESERVE = 0xff00;

  private ElfStrip() {}

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
    ElfReader r = parse(file);
    if (r == null || (r.header.type() != ElfFile.ET_EXEC && r.header.type() != ElfFile.ET_DYN)) {
      return null;
    }
    Header h = r.header;
    List<Section> sections = r.sections;
    if (sections.stream().anyMatch(s -> s.type() == SHT_GROUP)) {
      return null;
    }
    boolean[] drop = new boolean[sections.size()];
    for (Section s : sections) {
      drop[s.index()] = s.index() > 0 && !s.loaded() && s.index() != h.shstrndx()
          && (s.type() == SHT_SYMTAB || s.name().startsWith(".debug") || s.name().startsWith(".zdebug"));
    }
    if (!closeOver(sections, drop, h.shstrndx())) {
      return null;
    }
    int[] newIndex = new int[sections.size()];
    int kept = 0;
    for (Section s : sections) {
      newIndex[s.index()] = drop[s.index()] ? -1 : kept++;
    }
    if (kept == sections.size()) {
      return null;
    }
    return rewrite(file, r, sections, drop, newIndex, kept);
  }

  /**
   * Reads the headers of an ELF file's bytes; null when they are not understood or not what this
   * rewrites safely (no section name table, extended numbering, a section past the end).
   */
  static ElfReader parse(byte[] file) {
    if (file.length < 64) {
      return null;
    }
    try {
      ElfReader r = ElfReader.open(null, file).orElse(null);
      if (r == null) {
        return null;
      }
      Header h = r.header;
      if (h.shnum() == 0 || h.shstrndx() == 0 || h.shstrndx() >= SHN_LORESERVE || h.shentsize() != (r.is64 ? 64 : 40)) {
        return null;
      }
      for (Section s : r.sections) {
        if (s.name() == null || (s.type() != SHT_NOBITS && s.index() > 0 && (s.offset() < 0 || s.size() < 0 || s.offset() + s.size() > file.length))) {
          return null;
        }
      }
      return r;
    } catch (IOException e) {
      return null;
    }
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
        if (!drop[s.index()] || s.type() != SHT_SYMTAB || s.link() <= 0 || s.link() >= sections.size() || drop[s.link()] || s.link() == shstrndx) {
          continue;
        }
        Section strtab = sections.get(s.link());
        boolean usedByKept = sections.stream().anyMatch(o -> !drop[o.index()] && o.index() != strtab.index() && o.link() == strtab.index());
        if (!strtab.loaded() && !usedByKept) {
          drop[strtab.index()] = true;
          changed = true;
        }
      }
      for (Section s : sections) {
        if (drop[s.index()]) {
          continue;
        }
        boolean linksDropped = s.link() > 0 && s.link() < sections.size() && drop[s.link()];
        boolean infoDropped = infoIsSection(s) && s.info() > 0 && s.info() < sections.size() && drop[s.info()];
        if (linksDropped || infoDropped) {
          if (s.loaded()) {
            return false;
          }
          drop[s.index()] = true;
          changed = true;
        }
      }
    }
    return true;
  }

  private static boolean infoIsSection(Section s) {
    return s.type() == SHT_REL || s.type() == SHT_RELA || (s.flags() & SHF_INFO_LINK) != 0;
  }

  private static byte[] rewrite(byte[] file, ElfReader r, List<Section> sections, boolean[] drop, int[] newIndex, int kept) {
    Header h = r.header;
    boolean is64 = r.is64;
    long end = mappedEnd(r, file.length);
    if (end < 0) {
      return null;
    }
    for (Section s : sections) {
      if (s.loaded() && s.fileEnd() > end) {
        end = s.fileEnd();
      }
    }
    List<Section> unloaded = new ArrayList<>(sections.stream().filter(s -> s.index() > 0 && !drop[s.index()] && !s.loaded()
        && s.type() != SHT_NOBITS && s.size() > 0).toList());
    unloaded.sort(Comparator.comparingLong(Section::offset));
    long[] newOffset = new long[sections.size()];
    for (Section s : sections) {
      newOffset[s.index()] = s.offset();
    }
    List<Section> moved = new ArrayList<>();
    for (Section s : unloaded) {
      if (s.offset() < end) {
        end = Math.max(end, s.fileEnd());
      } else {
        moved.add(s);
      }
    }
    long cursor = end;
    for (Section s : moved) {
      cursor = align(cursor, s.align());
      newOffset[s.index()] = cursor;
      cursor += s.size();
    }
    long shoff = align(cursor, is64 ? 8 : 4);
    long total = shoff + (long) kept * h.shentsize();
    if (total > Integer.MAX_VALUE) {
      return null;
    }
    byte[] out = new byte[(int) total];
    System.arraycopy(file, 0, out, 0, (int) end);
    for (Section s : moved) {
      System.arraycopy(file, (int) s.offset(), out, (int) newOffset[s.index()], (int) s.size());
    }
    ByteBuffer o = ByteBuffer.wrap(out).order(r.order);
    for (Section s : sections) {
      if (drop[s.index()]) {
        continue;
      }
      int at = (int) (shoff + (long) newIndex[s.index()] * h.shentsize());
      System.arraycopy(file, (int) (h.shoff() + (long) s.index() * h.shentsize()), out, at, h.shentsize());
      int link = s.link() > 0 && s.link() < sections.size() ? newIndex[s.link()] : s.link();
      int info = infoIsSection(s) && s.info() > 0 && s.info() < sections.size() ? newIndex[s.info()] : s.info();
      if (is64) {
        o.putLong(at + 24, newOffset[s.index()]);
        o.putInt(at + 40, link);
        o.putInt(at + 44, info);
      } else {
        o.putInt(at + 16, (int) newOffset[s.index()]);
        o.putInt(at + 24, link);
        o.putInt(at + 28, info);
      }
    }
    if (is64) {
      o.putLong(40, shoff);
      o.putShort(60, (short) kept);
      o.putShort(62, (short) newIndex[h.shstrndx()]);
    } else {
      o.putInt(32, (int) shoff);
      o.putShort(48, (short) kept);
      o.putShort(50, (short) newIndex[h.shstrndx()]);
    }
    return out;
  }

  private static long align(long value, long alignment) {
    return alignment <= 1 ? value : (value + alignment - 1) / alignment * alignment;
  }

  /** The end of what the loader reads: the headers and every segment's file bytes; -1 if inconsistent. */
  private static long mappedEnd(ElfReader r, long length) {
    Header h = r.header;
    long end = Math.max(r.is64 ? 64 : 52, h.phoff() + (long) h.phnum() * h.phentsize());
    if (end > length || h.phentsize() != (r.is64 ? 56 : 32)) {
      return -1;
    }
    for (ElfReader.Segment p : r.segments) {
      if (p.offset() < 0 || p.filesz() < 0 || p.offset() + p.filesz() > length) {
        return -1;
      }
      end = Math.max(end, p.offset() + p.filesz());
    }
    return end;
  }
}

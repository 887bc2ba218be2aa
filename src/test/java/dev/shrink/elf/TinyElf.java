package dev.shrink.elf;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes a minimal but well-formed ELF shared object by hand, for classes and byte orders the host
 * compiler cannot produce: ELF header, two PT_LOAD segments mapped at different addresses than
 * their file offsets, PT_DYNAMIC, optional PT_INTERP, no section headers.
 */
final class TinyElf {
  private TinyElf() {}

  static byte[] build(int elfClass, ByteOrder order, int machine, String soname, List<String> needed,
      String runpath, String interp) {
    boolean is64 = elfClass == 64;
    int ehsize = is64 ? 64 : 52;
    int phentsize = is64 ? 56 : 32;
    int phnum = interp == null ? 3 : 4;

    // Strings: offset 0 is the empty string.
    ByteArrayOutputStream str = new ByteArrayOutputStream();
    str.write(0);
    List<long[]> dyn = new ArrayList<>();
    for (String n : needed) {
      dyn.add(new long[] {1, addString(str, n)});
    }
    if (soname != null) {
      dyn.add(new long[] {14, addString(str, soname)});
    }
    if (runpath != null) {
      dyn.add(new long[] {29, addString(str, runpath)});
    }
    byte[] strtab = str.toByteArray();

    int interpOff = ehsize + phnum * phentsize;
    byte[] interpBytes = interp == null ? new byte[0] : (interp + "\0").getBytes(StandardCharsets.UTF_8);
    int seg2 = align(interpOff + interpBytes.length, 16);
    int strOff = seg2;
    int dynOff = align(strOff + strtab.length, 8);
    int dynEntry = is64 ? 16 : 8;
    int dynCount = dyn.size() + 3; // + DT_STRTAB, DT_STRSZ, DT_NULL
    int end = dynOff + dynCount * dynEntry;
    long vaddr1 = 0x1000;
    long vaddr2 = 0x80000;

    ByteBuffer b = ByteBuffer.allocate(end).order(order);
    b.put(new byte[] {0x7f, 'E', 'L', 'F', (byte) (is64 ? 2 : 1),
        (byte) (order == ByteOrder.LITTLE_ENDIAN ? 1 : 2), 1, 0});
    b.position(16);
    b.putShort((short) ElfFile.ET_DYN).putShort((short) machine).putInt(1);
    word(b, is64, 0); // e_entry
    word(b, is64, ehsize); // e_phoff
    word(b, is64, 0); // e_shoff: no section headers at all
    b.putInt(0).putShort((short) ehsize).putShort((short) phentsize).putShort((short) phnum);
    b.putShort((short) (is64 ? 64 : 40)).putShort((short) 0).putShort((short) 0);

    phdr(b, is64, 1, 0, vaddr1, seg2);
    phdr(b, is64, 1, seg2, vaddr2, end - seg2);
    phdr(b, is64, 2, dynOff, vaddr2 + dynOff - seg2, end - dynOff);
    if (interp != null) {
      phdr(b, is64, 3, interpOff, vaddr1 + interpOff, interpBytes.length);
      b.put(interpOff, interpBytes);
    }
    b.put(strOff, strtab);
    b.position(dynOff);
    dyn.add(new long[] {5, vaddr2 + strOff - seg2});
    dyn.add(new long[] {10, strtab.length});
    dyn.add(new long[] {0, 0});
    for (long[] d : dyn) {
      word(b, is64, d[0]);
      word(b, is64, d[1]);
    }
    return b.array();
  }

  private static void phdr(ByteBuffer b, boolean is64, int type, long offset, long vaddr, long size) {
    b.putInt(type);
    if (is64) {
      b.putInt(4).putLong(offset).putLong(vaddr).putLong(vaddr).putLong(size).putLong(size).putLong(8);
    } else {
      b.putInt((int) offset).putInt((int) vaddr).putInt((int) vaddr).putInt((int) size)
          .putInt((int) size).putInt(4).putInt(4);
    }
  }

  private static void word(ByteBuffer b, boolean is64, long v) {
    if (is64) {
      b.putLong(v);
    } else {
      b.putInt((int) v);
    }
  }

  private static long addString(ByteArrayOutputStream str, String s) {
    long at = str.size();
    str.writeBytes((s + "\0").getBytes(StandardCharsets.UTF_8));
    return at;
  }

  private static int align(int v, int a) {
    return (v + a - 1) / a * a;
  }
}

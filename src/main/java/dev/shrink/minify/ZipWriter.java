package dev.shrink.minify;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.LocalDateTime;
import java.util.zip.CRC32;

/**
 * A plain zip (PKWARE APPNOTE 4.3) written in one pass: entries stored or already deflated, no
 * extra fields, no comments, no zip64, UTF-8 names. Every entry gets the one modification time given
 * as MS-DOS date and time fields, taken from its wall-clock fields as they are: no time zone is
 * involved, so the same input gives the same bytes on any machine (a conversion through the JVM's
 * zone would move a time inside a daylight-saving gap by an hour).
 */
final class ZipWriter implements AutoCloseable {
  private static final int LOCAL = 0x04034b50;
  private static final int CENTRAL = 0x02014b50;
  private static final int END = 0x06054b50;
  private static final int UTF8_NAMES = 1 << 11;
  private static final short STORED = 0;
  private static final short DEFLATED = 8;

  private final OutputStream out;
  private final short dosTime;
  private final short dosDate;
  private final ByteArrayOutputStream central = new ByteArrayOutputStream();
  private long offset;
  private int entries;

  /** {@code time} must be in the years 1980 to 2107, which the date field holds. */
  ZipWriter(OutputStream out, LocalDateTime time) {
    if (time.getYear() < 1980 || time.getYear() > 2107) {
      throw new IllegalArgumentException("a zip's time is in 1980-2107, not " + time);
    }
    this.out = out;
    this.dosTime = (short) (time.getHour() << 11 | time.getMinute() << 5 | time.getSecond() / 2);
    this.dosDate = (short) ((time.getYear() - 1980) << 9 | time.getMonthValue() << 5 | time.getDayOfMonth());
  }

  /** A directory entry: {@code name} ends with '/'. */
  void directory(String name) throws IOException {
    entry(name, STORED, new byte[0], 0, 0);
  }

  /** A file entry: its {@code data} as {@code deflated} (raw deflate, no header) holds them. */
  void deflated(String name, byte[] data, byte[] deflated) throws IOException {
    CRC32 crc = new CRC32();
    crc.update(data);
    entry(name, DEFLATED, deflated, crc.getValue(), data.length);
  }

  private void entry(String name, short method, byte[] stored, long crc, long size) throws IOException {
    if (offset > 0xffffffffL - stored.length || ++entries > 0xffff) {
      throw new IOException("the zip would need zip64 (over 4 GiB or 65535 entries) at " + name);
    }
    byte[] n = name.getBytes(StandardCharsets.UTF_8);
    short version = (short) (method == DEFLATED ? 20 : 10);
    ByteBuffer h = header(30 + n.length).putInt(LOCAL).putShort(version).putShort((short) UTF8_NAMES).putShort(method)
        .putShort(dosTime).putShort(dosDate).putInt((int) crc).putInt(stored.length).putInt((int) size)
        .putShort((short) n.length).putShort((short) 0).put(n);
    ByteBuffer c = header(46 + n.length).putInt(CENTRAL).putShort(version).putShort(version).putShort((short) UTF8_NAMES)
        .putShort(method).putShort(dosTime).putShort(dosDate).putInt((int) crc).putInt(stored.length).putInt((int) size)
        .putShort((short) n.length).putShort((short) 0).putShort((short) 0).putShort((short) 0).putShort((short) 0)
        .putInt(0).putInt((int) offset).put(n);
    out.write(h.array());
    out.write(stored);
    central.write(c.array());
    offset += h.capacity() + stored.length;
  }

  private static ByteBuffer header(int size) {
    return ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
  }

  /** Writes the central directory and its end record, then closes the stream. */
  @Override
  public void close() throws IOException {
    try (out) {
      if (offset > 0xffffffffL - central.size()) {
        throw new IOException("the zip would need zip64 (central directory beyond 4 GiB)");
      }
      central.writeTo(out);
      out.write(header(22).putInt(END).putShort((short) 0).putShort((short) 0).putShort((short) entries)
          .putShort((short) entries).putInt(central.size()).putInt((int) offset).putShort((short) 0).array());
    }
  }
}

package dev.shrink.probe;

import dev.shrink.fs.RootFs;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads what {@code strace -f -y -o FILE} wrote: one call per line, prefixed by the pid, with
 * {@code <unfinished ...>} / {@code <... NAME resumed>} pairs when processes interleave. Keeps the
 * successful file calls with the path made absolute: {@code -y} decorates {@code AT_FDCWD} and
 * directory descriptors with their path ({@code AT_FDCWD</app>}, {@code 3</usr/lib>}).
 */
public final class StraceParser {
  /** Calls whose first argument is a directory descriptor and second a path. */
  private static final Set<String> AT_CALLS = Set.of("openat", "openat2", "newfstatat", "fstatat64", "statx", "faccessat", "faccessat2",
      "readlinkat", "execveat", "name_to_handle_at");
  /** Calls whose first argument is a path. */
  private static final Set<String> PATH_CALLS = Set.of("open", "stat", "lstat", "stat64", "lstat64", "access", "readlink", "execve",
      "chdir", "truncate", "statfs");

  /**
   * One successful call naming a file.
   *
   * @param path absolute, normalised path as the process named it
   * @param opened for an open that succeeded, the path of the descriptor it returned (links resolved), else null
   */
  public record Event(int pid, String syscall, String path, String opened) {}

  private final boolean notFound;
  private final Map<Integer, String> pending = new HashMap<>();
  private final Map<Integer, String> cwd = new HashMap<>();
  private final List<Event> events = new ArrayList<>();

  /** Parses a whole trace: the successful calls. */
  public static List<Event> parse(List<String> lines) {
    StraceParser p = new StraceParser(false);
    lines.forEach(p::line);
    return List.copyOf(p.events);
  }

  /** Parses a whole trace: the calls that failed with {@code ENOENT}, the paths a process looked for and did not find. */
  public static List<Event> parseNotFound(List<String> lines) {
    StraceParser p = new StraceParser(true);
    lines.forEach(p::line);
    return List.copyOf(p.events);
  }

  private void line(String raw) {
    String line = raw.strip();
    int pid = 0;
    int space = 0;
    while (space < line.length() && Character.isDigit(line.charAt(space))) {
      space++;
    }
    if (space > 0 && space < line.length() && line.charAt(space) == ' ') {
      pid = Integer.parseInt(line.substring(0, space));
      line = line.substring(space).strip();
    }
    if (line.startsWith("+++") || line.startsWith("---")) {
      return;
    }
    if (line.endsWith("<unfinished ...>")) {
      pending.put(pid, line.substring(0, line.length() - "<unfinished ...>".length()));
      return;
    }
    if (line.startsWith("<... ")) {
      int end = line.indexOf("resumed>");
      String head = pending.remove(pid);
      if (end < 0 || head == null) {
        return;
      }
      line = head + line.substring(end + "resumed>".length());
    }
    call(pid, line);
  }

  private void call(int pid, String line) {
    int open = line.indexOf('(');
    if (open <= 0) {
      return;
    }
    String name = line.substring(0, open);
    boolean at = AT_CALLS.contains(name);
    if (!at && !PATH_CALLS.contains(name)) {
      return;
    }
    Cursor c = new Cursor(line, open + 1);
    String dir = null;
    if (at) {
      String fd = c.word();
      dir = c.decoration();
      if (fd.equals("AT_FDCWD") && dir != null) {
        cwd.put(pid, dir);
      }
      if (!c.comma()) {
        return;
      }
    }
    String path = c.string();
    if (path == null) {
      return;
    }
    if (!c.closeCall()) {
      return;
    }
    String rest = line.substring(c.pos).strip();
    if (!rest.startsWith("=")) {
      return;
    }
    rest = rest.substring(1).strip();
    boolean failed = rest.startsWith("-1") || rest.startsWith("?");
    if (notFound ? !rest.startsWith("-1 ENOENT") : failed) {
      return;
    }
    String opened = null;
    int lt = rest.indexOf('<');
    if (name.startsWith("open") && lt > 0) {
      Cursor r = new Cursor(rest, lt);
      opened = r.decoration();
    }
    if (path.isEmpty()) {
      return;
    }
    String absolute;
    if (path.startsWith("/")) {
      absolute = path;
    } else {
      String base = dir != null ? dir : cwd.get(pid);
      if (base == null || !base.startsWith("/")) {
        return;
      }
      absolute = base + "/" + path;
    }
    absolute = RootFs.normalize(absolute);
    if (name.equals("chdir") && !failed) {
      cwd.put(pid, absolute);
    }
    events.add(new Event(pid, name, absolute, opened == null ? null : RootFs.normalize(opened)));
  }

  /** A position in one line, with the few token kinds strace prints before and in the path. */
  private static final class Cursor {
    final String s;
    int pos;

    Cursor(String s, int pos) {
      this.s = s;
      this.pos = pos;
    }

    void spaces() {
      while (pos < s.length() && s.charAt(pos) == ' ') {
        pos++;
      }
    }

    String word() {
      spaces();
      int start = pos;
      while (pos < s.length() && "<,)".indexOf(s.charAt(pos)) < 0) {
        pos++;
      }
      return s.substring(start, pos).strip();
    }

    /** {@code <path>} right here (a -y decoration), decoded; null when there is none. */
    String decoration() {
      if (pos >= s.length() || s.charAt(pos) != '<') {
        return null;
      }
      pos++;
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      while (pos < s.length() && s.charAt(pos) != '>') {
        pos = unescape(s, pos, out);
      }
      pos++;
      return out.toString(StandardCharsets.UTF_8);
    }

    boolean comma() {
      spaces();
      if (pos < s.length() && s.charAt(pos) == ',') {
        pos++;
        return true;
      }
      return false;
    }

    /** A quoted C string, decoded; null when the argument is not a string (an address). */
    String string() {
      spaces();
      if (pos >= s.length() || s.charAt(pos) != '"') {
        return null;
      }
      pos++;
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      while (pos < s.length() && s.charAt(pos) != '"') {
        pos = unescape(s, pos, out);
      }
      pos++;
      if (s.startsWith("...", pos)) {
        return null; // truncated: not a whole path
      }
      return out.toString(StandardCharsets.UTF_8);
    }

    /** Moves past the closing parenthesis of the call, skipping nested brackets and strings. */
    boolean closeCall() {
      int depth = 0;
      while (pos < s.length()) {
        char ch = s.charAt(pos);
        if (ch == '"') {
          pos++;
          while (pos < s.length() && s.charAt(pos) != '"') {
            pos += s.charAt(pos) == '\\' ? 2 : 1;
          }
        } else if (ch == '(' || ch == '[' || ch == '{') {
          depth++;
        } else if (ch == ']' || ch == '}') {
          depth--;
        } else if (ch == ')') {
          if (depth == 0) {
            pos++;
            return true;
          }
          depth--;
        }
        pos++;
      }
      return false;
    }
  }

  /** Decodes one character or escape (\n \t \" \\ \NNN octal, \xNN) at {@code i}; returns the next index. */
  static int unescape(String s, int i, ByteArrayOutputStream out) {
    char ch = s.charAt(i);
    if (ch != '\\' || i + 1 >= s.length()) {
      byte[] b = String.valueOf(ch).getBytes(StandardCharsets.UTF_8);
      out.write(b, 0, b.length);
      return i + 1;
    }
    char e = s.charAt(i + 1);
    switch (e) {
      case 'n' -> out.write('\n');
      case 't' -> out.write('\t');
      case 'r' -> out.write('\r');
      case 'v' -> out.write(0x0b);
      case 'f' -> out.write('\f');
      case 'x' -> {
        int end = Math.min(i + 4, s.length());
        out.write(Integer.parseInt(s.substring(i + 2, end), 16));
        return end;
      }
      default -> {
        if (e >= '0' && e <= '7') {
          int j = i + 1;
          int v = 0;
          while (j < s.length() && j < i + 4 && s.charAt(j) >= '0' && s.charAt(j) <= '7') {
            v = v * 8 + (s.charAt(j) - '0');
            j++;
          }
          out.write(v);
          return j;
        }
        out.write(e);
      }
    }
    return i + 2;
  }

  private StraceParser(boolean notFound) {
    this.notFound = notFound;
  }
}

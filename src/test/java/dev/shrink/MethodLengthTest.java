package dev.shrink;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The 60-line rule (issue 14): no method in the packages where everything meets is longer than 60
 * lines, from the line of its name to its closing brace. The tokenizer's main loop is the one
 * exception. Methods are found by a brace counter that knows comments, strings, text blocks and
 * character literals; a brace opened in a type body starts a method unless its header declares a
 * type or assigns (an array or anonymous class in a field initialiser).
 */
class MethodLengthTest {
  static final int LIMIT = 60;
  static final List<String> PACKAGES = List.of("minify", "cli", "run", "python", "build");
  static final Set<String> ALLOWED = Set.of("python/PyTokenizer.java run");

  /** One method: where it is, its name and how many lines it spans. */
  record Method(String file, String name, int line, int lines) {
    @Override
    public String toString() {
      return file + ":" + line + " " + name + " (" + lines + " lines)";
    }
  }

  @Test
  void noMethodIsLongerThanTheLimit() throws IOException {
    Path main = Path.of("src/main/java/dev/shrink");
    List<String> tooLong = new ArrayList<>();
    int files = 0;
    for (String pkg : PACKAGES) {
      try (Stream<Path> walk = Files.walk(main.resolve(pkg))) {
        for (Path p : walk.filter(f -> f.toString().endsWith(".java")).sorted().toList()) {
          files++;
          String file = main.relativize(p).toString();
          for (Method m : methods(file, Files.readString(p, StandardCharsets.UTF_8))) {
            if (m.lines() > LIMIT && !ALLOWED.contains(file + " " + m.name())) {
              tooLong.add(m.toString());
            }
          }
        }
      }
    }
    assertThat(files).as("java files read").isGreaterThan(50);
    assertThat(tooLong).as("methods over " + LIMIT + " lines (split them along their seams)").isEmpty();
  }

  @Test
  void theCounterSeesMethodsThroughStringsCommentsAndNestedTypes() {
    String body = "    int x = 1;\n".repeat(LIMIT - 2);
    String src = """
        package p;
        /** { in a comment */
        class A {
          static final int[] TABLE = {1, 2};
          Runnable r = new Runnable() { public void run() { } };
          // { line comment
          A() {
            String s = "}{\\"}";
            char c = '{';
            String t = \"""
                }}}
                \""";
          }
          record R(int a) {
            R {
              if (a < 0) { throw new IllegalArgumentException(); }
            }
          }
          @Override
          public String toString() {
            return switch (1) { default -> "x"; };
          }
          void long1() {
        BODY  }
          void long2() {
        BODY    int y = 2;
          }
          enum E { ONE, TWO }
        }
        """.replace("BODY", body);
    List<Method> found = methods("A.java", src);
    assertThat(found).extracting(Method::name).containsExactly("A", "R", "toString", "long1", "long2");
    assertThat(found).extracting(Method::lines).containsExactly(7, 3, 3, LIMIT, LIMIT + 1);
    assertThat(found.get(0).line()).isEqualTo(7);
  }

  private static final Pattern TYPE = Pattern.compile("\\b(class|interface|enum|record)\\s+\\w+");
  private static final Pattern WORD = Pattern.compile("\\w+");
  private static final Pattern ANNOTATION = Pattern.compile("@\\w+(\\([^)]*\\))?");

  /** The methods, constructors and initialisers of one source file's types, in order. */
  static List<Method> methods(String file, String source) {
    List<Method> methods = new ArrayList<>();
    Deque<Block> blocks = new ArrayDeque<>();
    Header header = new Header();
    int line = 1;
    for (int i = 0; i < source.length(); i++) {
      char c = source.charAt(i);
      int skip = skipped(source, i);
      if (skip > i) {
        line += count(source, i, skip);
        i = skip - 1;
        header.add(' ', line);
      } else if (c == '{') {
        blocks.push(open(header, blocks.isEmpty() || blocks.peek().type));
        header.clear();
      } else if (c == '}') {
        Block b = blocks.pop();
        if (b.name != null) {
          methods.add(new Method(file, b.name, b.line, line - b.line + 1));
        }
        header.clear();
      } else if (c == ';') {
        header.clear();
      } else {
        header.add(c, line);
        line += c == '\n' ? 1 : 0;
      }
    }
    return methods;
  }

  /** The block a brace opens after this header: a type body, a method (in a type body) or code. */
  private static Block open(Header header, boolean inType) {
    Block b = new Block();
    String h = header.text.toString();
    if (inType) {
      b.type = TYPE.matcher(h).find();
      if (!b.type && !h.contains("=")) {
        String bare = ANNOTATION.matcher(h).replaceAll(r -> " ".repeat(r.group().length()));
        int paren = bare.indexOf('(');
        Matcher m = WORD.matcher(paren < 0 ? bare : bare.substring(0, paren));
        b.name = "<init>";
        b.line = header.lines.isEmpty() ? 0 : header.lines.get(0);
        while (m.find()) {
          b.name = m.group();
          b.line = header.lines.get(m.start());
        }
      }
    }
    return b;
  }

  /** The text since the last statement or brace, with the line of each character. */
  private static final class Header {
    final StringBuilder text = new StringBuilder();
    final List<Integer> lines = new ArrayList<>();

    void add(char c, int line) {
      text.append(c);
      lines.add(line);
    }

    void clear() {
      text.setLength(0);
      lines.clear();
    }
  }

  /** A block of braces: a type body, a method (with its name and first line) or code. */
  private static final class Block {
    boolean type;
    String name;
    int line;
  }

  /** Where a comment, string, text block or character literal starting at i ends; i if none starts there. */
  private static int skipped(String s, int i) {
    if (s.startsWith("//", i)) {
      int end = s.indexOf('\n', i);
      return end < 0 ? s.length() : end;
    }
    if (s.startsWith("/*", i)) {
      return s.indexOf("*/", i + 2) + 2;
    }
    if (s.startsWith("\"\"\"", i)) {
      int j = i + 3;
      while (!s.startsWith("\"\"\"", j)) {
        j += s.charAt(j) == '\\' ? 2 : 1;
      }
      return j + 3;
    }
    char c = s.charAt(i);
    if (c == '"' || c == '\'') {
      int j = i + 1;
      while (s.charAt(j) != c) {
        j += s.charAt(j) == '\\' ? 2 : 1;
      }
      return j + 1;
    }
    return i;
  }

  private static int count(String s, int from, int to) {
    int lines = 0;
    for (int i = from; i < to; i++) {
      lines += s.charAt(i) == '\n' ? 1 : 0;
    }
    return lines;
  }
}

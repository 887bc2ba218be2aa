package dev.shrink.python;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * A small tokenizer for Python 3 source, just precise enough to find statements: it knows names,
 * numbers, strings (every prefix, triple quotes, f-strings with nested replacement fields and
 * nested quotes as in 3.12), comments, explicit and implicit line joining, and emits NEWLINE at the
 * end of each logical line and INDENT/DEDENT like CPython. It never fails: malformed input ends a
 * token where it can.
 */
final class PyTokenizer {
  enum Type { NAME, NUMBER, STRING, OP, NEWLINE, INDENT, DEDENT }

  /** One token; {@code text} is the source text (for strings: prefix and quotes included). */
  record Token(Type type, String text, int line) {
    boolean is(String s) {
      return (type == Type.OP || type == Type.NAME) && text.equals(s);
    }

    boolean isName() {
      return type == Type.NAME;
    }

    /** The value of a plain (non-f, non-bytes) string literal; null otherwise. */
    String stringValue() {
      if (type != Type.STRING) {
        return null;
      }
      int q = 0;
      while (q < text.length() && text.charAt(q) != '\'' && text.charAt(q) != '"') {
        q++;
      }
      String prefix = text.substring(0, q).toLowerCase(Locale.ROOT);
      if (prefix.contains("f") || prefix.contains("b")) {
        return null;
      }
      String body = text.substring(q);
      int quoteLen = body.length() >= 6 && (body.startsWith("'''") || body.startsWith("\"\"\"")) ? 3 : 1;
      if (body.length() < 2 * quoteLen) {
        return null;
      }
      String inner = body.substring(quoteLen, body.length() - quoteLen);
      return prefix.contains("r") ? inner : unescape(inner);
    }
  }

  private static final Set<String> PREFIXES =
      Set.of("r", "u", "b", "f", "br", "rb", "fr", "rf");
  private static final Set<String> OPS3 = Set.of("...", "**=", "//=", ">>=", "<<=");
  private static final Set<String> OPS2 =
      Set.of("**", "//", "->", ":=", "==", "!=", "<=", ">=", "<<", ">>", "+=", "-=", "*=", "/=",
          "%=", "&=", "|=", "^=", "@=");

  private final String src;
  private final List<Token> out = new ArrayList<>();
  private int pos;
  private int line = 1;

  private PyTokenizer(String src) {
    String s = src.startsWith("\uFEFF") ? src.substring(1) : src;
    this.src = s.replace("\r\n", "\n").replace('\r', '\n');
  }

  static List<Token> tokenize(String source) {
    PyTokenizer t = new PyTokenizer(source);
    t.run();
    return t.out;
  }

  private void run() {
    List<Integer> indents = new ArrayList<>(List.of(0));
    int depth = 0; // (), [], {} nesting: implicit line joining
    boolean lineStart = true;
    boolean lineHasTokens = false;
    int n = src.length();
    while (pos < n) {
      if (lineStart && depth == 0) {
        int col = 0;
        int p = pos;
        while (p < n) {
          char c = src.charAt(p);
          if (c == ' ') {
            col++;
          } else if (c == '\t') {
            col = (col / 8 + 1) * 8;
          } else if (c == '\f') {
            col = 0;
          } else {
            break;
          }
          p++;
        }
        pos = p;
        if (p >= n) {
          break;
        }
        char c = src.charAt(p);
        if (c == '\n' || c == '#' || (c == '\\' && p + 1 < n && src.charAt(p + 1) == '\n')) {
          // blank line, comment-only line: no indentation change; continuation at line start
          // is rare and treated as blank
          if (c == '#') {
            skipComment();
          } else if (c == '\\') {
            pos += 2;
            line++;
            continue;
          }
          if (pos < n) {
            pos++;
            line++;
          }
          continue;
        }
        int top = indents.get(indents.size() - 1);
        if (col > top) {
          indents.add(col);
          out.add(new Token(Type.INDENT, "", line));
        } else {
          while (col < indents.get(indents.size() - 1) && indents.size() > 1) {
            indents.remove(indents.size() - 1);
            out.add(new Token(Type.DEDENT, "", line));
          }
        }
        lineStart = false;
      }
      char c = src.charAt(pos);
      if (c == ' ' || c == '\t' || c == '\f') {
        pos++;
      } else if (c == '#') {
        skipComment();
      } else if (c == '\\' && pos + 1 < n && src.charAt(pos + 1) == '\n') {
        pos += 2;
        line++;
      } else if (c == '\n') {
        pos++;
        if (depth == 0) {
          if (lineHasTokens) {
            out.add(new Token(Type.NEWLINE, "", line));
          }
          lineHasTokens = false;
          lineStart = true;
        }
        line++;
      } else if (c == '\'' || c == '"') {
        string("", pos);
        lineHasTokens = true;
      } else if (isIdStart(c)) {
        int start = pos;
        while (pos < n && isIdPart(src.charAt(pos))) {
          pos++;
        }
        String word = src.substring(start, pos);
        if (pos < n && (src.charAt(pos) == '\'' || src.charAt(pos) == '"')
            && PREFIXES.contains(word.toLowerCase(Locale.ROOT))) {
          string(word, start);
        } else {
          out.add(new Token(Type.NAME, word, line));
        }
        lineHasTokens = true;
      } else if (Character.isDigit(c) || (c == '.' && pos + 1 < n && Character.isDigit(src.charAt(pos + 1)))) {
        int start = pos;
        while (pos < n) {
          char d = src.charAt(pos);
          if (Character.isLetterOrDigit(d) || d == '_' || d == '.') {
            pos++;
          } else if ((d == '+' || d == '-') && (src.charAt(pos - 1) == 'e' || src.charAt(pos - 1) == 'E')
              && !src.substring(start, pos).toLowerCase(Locale.ROOT).startsWith("0x")) {
            pos++;
          } else {
            break;
          }
        }
        out.add(new Token(Type.NUMBER, src.substring(start, pos), line));
        lineHasTokens = true;
      } else {
        String op;
        if (pos + 3 <= n && OPS3.contains(src.substring(pos, pos + 3))) {
          op = src.substring(pos, pos + 3);
        } else if (pos + 2 <= n && OPS2.contains(src.substring(pos, pos + 2))) {
          op = src.substring(pos, pos + 2);
        } else {
          op = String.valueOf(c);
        }
        if (op.equals("(") || op.equals("[") || op.equals("{")) {
          depth++;
        } else if ((op.equals(")") || op.equals("]") || op.equals("}")) && depth > 0) {
          depth--;
        }
        pos += op.length();
        out.add(new Token(Type.OP, op, line));
        lineHasTokens = true;
      }
    }
    if (lineHasTokens) {
      out.add(new Token(Type.NEWLINE, "", line));
    }
    for (int i = 1; i < indents.size(); i++) {
      out.add(new Token(Type.DEDENT, "", line));
    }
  }

  private void skipComment() {
    while (pos < src.length() && src.charAt(pos) != '\n') {
      pos++;
    }
  }

  /** Scans a string literal whose quote is at {@code pos}; emits one STRING token. */
  private void string(String prefix, int start) {
    int startLine = line;
    pos = scanString(pos, prefix.toLowerCase(Locale.ROOT).contains("f"));
    out.add(new Token(Type.STRING, src.substring(start, pos), startLine));
  }

  /** Returns the index just after the string literal whose opening quote is at {@code p}. */
  private int scanString(int p, boolean fstring) {
    int n = src.length();
    char q = src.charAt(p);
    boolean triple = p + 2 < n && src.charAt(p + 1) == q && src.charAt(p + 2) == q;
    String close = triple ? String.valueOf(q).repeat(3) : String.valueOf(q);
    p += close.length();
    while (p < n) {
      char c = src.charAt(p);
      if (src.startsWith(close, p)) {
        return p + close.length();
      }
      if (c == '\\') {
        if (p + 1 < n && src.charAt(p + 1) == '\n') {
          line++;
        }
        p += 2;
        continue;
      }
      if (c == '\n') {
        if (!triple) {
          return p; // unterminated: end the token at the line end
        }
        line++;
      }
      if (fstring && c == '{') {
        if (p + 1 < n && src.charAt(p + 1) == '{') {
          p += 2;
          continue;
        }
        p = scanField(p + 1, close);
        continue;
      }
      p++;
    }
    return n;
  }

  /** Scans an f-string replacement field body (after '{'); returns the index after its '}'. */
  private int scanField(int p, String close) {
    int n = src.length();
    int depth = 0;
    while (p < n) {
      char c = src.charAt(p);
      if (c == '\'' || c == '"') {
        if (src.startsWith(close, p) && !close.isEmpty() && depth == 0 && quoteEndsOuter(p, close)) {
          return p; // malformed field; let the outer string close
        }
        p = scanString(p, false);
        continue;
      }
      if (isIdStart(c)) {
        int s = p;
        while (p < n && isIdPart(src.charAt(p))) {
          p++;
        }
        String w = src.substring(s, p).toLowerCase(Locale.ROOT);
        if (p < n && (src.charAt(p) == '\'' || src.charAt(p) == '"') && PREFIXES.contains(w)) {
          p = scanString(p, w.contains("f"));
        }
        continue;
      }
      switch (c) {
        case '(', '[', '{' -> depth++;
        case ')', ']' -> depth--;
        case '}' -> {
          if (depth == 0) {
            return p + 1;
          }
          depth--;
        }
        case ':' -> {
          if (depth == 0) {
            return scanFormatSpec(p + 1, close);
          }
        }
        case '\n' -> line++;
        default -> { }
      }
      p++;
    }
    return n;
  }

  /** A quote in a field that is the outer closing quote only when nothing can be nested (3.11). */
  private boolean quoteEndsOuter(int p, String close) {
    // Treat it as a nested string when another quote of the same kind follows on the line,
    // i.e. the 3.12 form f"{"x"}"; otherwise it closes the outer string.
    int n = src.length();
    int i = p + close.length();
    while (i < n && src.charAt(i) != '\n') {
      if (src.startsWith(close, i)) {
        return false;
      }
      i++;
    }
    return true;
  }

  private int scanFormatSpec(int p, String close) {
    int n = src.length();
    while (p < n) {
      char c = src.charAt(p);
      if (c == '}') {
        return p + 1;
      }
      if (c == '{') {
        p = scanField(p + 1, close);
        continue;
      }
      if (src.startsWith(close, p) || (c == '\n' && close.length() == 1)) {
        return p;
      }
      if (c == '\n') {
        line++;
      }
      p++;
    }
    return n;
  }

  private static boolean isIdStart(char c) {
    return c == '_' || Character.isLetter(c);
  }

  private static boolean isIdPart(char c) {
    return c == '_' || Character.isLetterOrDigit(c);
  }

  private static String unescape(String s) {
    if (s.indexOf('\\') < 0) {
      return s;
    }
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '\\' && i + 1 < s.length()) {
        char d = s.charAt(++i);
        switch (d) {
          case 'n' -> b.append('\n');
          case 't' -> b.append('\t');
          case '\n' -> { }
          default -> b.append(d);
        }
      } else {
        b.append(c);
      }
    }
    return b.toString();
  }
}

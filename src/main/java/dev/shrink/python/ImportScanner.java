package dev.shrink.python;

import dev.shrink.python.ImportRef.Kind;
import dev.shrink.python.PyTokenizer.Token;
import dev.shrink.python.PyTokenizer.Type;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Finds the imports of Python 3 source without running it: a tokenizer plus a small state machine
 * over logical lines and indentation. Strings, comments and docstrings never yield imports; only
 * literal strings count for {@code __import__} and {@code importlib.import_module}.
 *
 * <p>The program is assumed to run on Linux: imports under a condition that is never true there
 * ({@code if sys.platform == "win32":}, {@code if os.name == "nt":}, {@code sys.platform.startswith("darwin")},
 * or a module-level name assigned such a test, like subprocess's {@code _mswindows}) are left out.
 *
 * <p>An import in a module-level {@code __getattr__} (PEP 562) under {@code if name == "X":} (or
 * {@code name in ("X", "Y")}) runs only when another module reads attribute X: such imports carry
 * their attribute names ({@link ImportRef#attributes()}), and {@link #mentions} gives the names a
 * module's code could read them by.
 */
public final class ImportScanner {
  private static final Set<String> COMPOUND =
      Set.of("if", "elif", "else", "try", "except", "finally", "for", "while", "with", "def", "class", "async");
  private static final Set<String> CATCHES_IMPORT =
      Set.of("ImportError", "ModuleNotFoundError", "Exception", "BaseException");

  private ImportScanner() {}

  /** The imports of {@code source} run as the main program, in source order. */
  public static List<ImportRef> scan(String source) {
    return scan(source, true);
  }

  /**
   * The imports of {@code source}, in source order; when {@code asMain} is false (the module is
   * imported, not run), imports under {@code if __name__ == "__main__":} are left out.
   */
  public static List<ImportRef> scan(String source, boolean asMain) {
    return scan(source, asMain, null);
  }

  /**
   * As {@link #scan(String, boolean)}, knowing the interpreter's version ("3.11"): branches of
   * {@code if sys.version_info >= (3, 10): ... else: ...} that cannot run are left out too.
   */
  public static List<ImportRef> scan(String source, boolean asMain, String pythonVersion) {
    return scan(PyTokenizer.tokenize(source), asMain, pythonVersion);
  }

  /** As {@link #scan(String, boolean, String)}, for source already tokenized. */
  static List<ImportRef> scan(List<Token> tokens, boolean asMain, String pythonVersion) {
    int[] version = null;
    if (pythonVersion != null) {
      String[] p = pythonVersion.split("\\.");
      version = new int[] {Integer.parseInt(p[0]), Integer.parseInt(p[1])};
    }
    return new Run(tokens, asMain, version).scan();
  }

  /**
   * Every name the code could read an attribute by: its identifiers, and the identifier-like parts
   * of its string literals ({@code getattr(m, "X")}, {@code "pkg.mod:X"}), except in statements
   * that are only strings (docstrings), which read nothing.
   */
  static Set<String> mentions(List<Token> tokens) {
    Set<String> names = new HashSet<>();
    List<Token> line = new ArrayList<>();
    for (Token t : tokens) {
      if (t.type() == Type.NEWLINE || t.type() == Type.INDENT || t.type() == Type.DEDENT) {
        if (line.stream().anyMatch(x -> x.type() != Type.STRING)) {
          line.forEach(x -> mention(x, names));
        }
        line.clear();
      } else {
        line.add(t);
      }
    }
    line.forEach(x -> mention(x, names));
    return names;
  }

  private static void mention(Token t, Set<String> names) {
    if (t.isName()) {
      names.add(t.text());
    } else if (t.type() == Type.STRING) {
      String v = t.stringValue();
      for (String part : (v == null ? t.text() : v).split("[^A-Za-z0-9_]+")) {
        if (!part.isEmpty()) {
          names.add(part);
        }
      }
    }
  }

  /** A try statement; its handlers are seen after its body. */
  private static final class TryFrame {
    boolean catchesImportError;
  }

  /** MODULE_GETATTR: a module-level {@code def __getattr__(name)}, a FUNCTION whose imports may be lazy. */
  private enum CtxKind { TRY_BODY, GUARDED, FUNCTION, MODULE_GETATTR, CLASS, DEAD, PLAIN }

  /**
   * An open compound statement. {@code argument}: the parameter of a MODULE_GETATTR; {@code
   * attributes}: for an if/elif in one, the names its test compares that parameter with (else null).
   */
  private record Ctx(int headerDepth, CtxKind kind, TryFrame tryFrame, String argument, List<String> attributes) {
    Ctx(int headerDepth, CtxKind kind, TryFrame tryFrame) {
      this(headerDepth, kind, tryFrame, null, null);
    }

    boolean function() {
      return kind == CtxKind.FUNCTION || kind == CtxKind.MODULE_GETATTR;
    }
  }

  private record Found(Kind kind, String module, int level, List<String> names, int line,
      List<TryFrame> tries, boolean guarded, List<String> attributes) {}

  /**
   * The left side of a version test: the known version's fields it reads, whether it is exactly
   * those ({@code version_info} itself is longer) and the index of the operator after it.
   */
  private record VersionRead(long[] actual, boolean exact, int end) {
    /** Compared with a literal tuple: below, equal or above 0; null when the unknown micro version decides. */
    Integer compareTo(List<Long> other) {
      int cmp = 0;
      for (int i = 0; i < other.size() && cmp == 0; i++) {
        if (i >= actual.length) {
          if (!exact) {
            return null; // micro version unknown
          }
          cmp = -1; // shorter tuple with equal prefix is smaller
        } else {
          cmp = Long.compare(actual[i], other.get(i));
        }
      }
      if (cmp == 0 && actual.length > other.size()) {
        cmp = 1;
      }
      if (cmp == 0 && !exact) {
        cmp = 1; // version_info has more fields than any two-element tuple it equals
      }
      return cmp;
    }
  }

  private static final class Run {
    private final List<Token> tokens;
    private final Deque<Ctx> stack = new ArrayDeque<>();
    private final Map<Integer, TryFrame> lastTry = new HashMap<>();
    private final List<Found> found = new ArrayList<>();
    private final Set<String> falseNames = new java.util.HashSet<>();
    private final Set<String> trueNames = new java.util.HashSet<>();
    private final Map<Integer, Boolean> chainTaken = new HashMap<>();
    private final boolean asMain;
    private final int[] version;

    Run(List<Token> tokens, boolean asMain, int[] version) {
      this.tokens = tokens;
      this.asMain = asMain;
      this.version = version;
    }

    List<ImportRef> scan() {
      int depth = 0;
      List<Token> line = new ArrayList<>();
      for (Token t : tokens) {
        switch (t.type()) {
          case INDENT -> depth++;
          case DEDENT -> depth--;
          case NEWLINE -> {
            if (!line.isEmpty()) {
              logicalLine(depth, line);
            }
            line = new ArrayList<>();
          }
          default -> line.add(t);
        }
      }
      if (!line.isEmpty()) {
        logicalLine(depth, line);
      }
      List<ImportRef> refs = new ArrayList<>();
      for (Found f : found) {
        boolean optional = f.guarded() || f.tries().stream().anyMatch(tf -> tf.catchesImportError);
        refs.add(new ImportRef(f.kind(), f.module(), f.level(), f.names(), f.line(), optional, f.attributes()));
      }
      return refs;
    }

    private void logicalLine(int depth, List<Token> toks) {
      while (!stack.isEmpty() && stack.peek().headerDepth() >= depth) {
        stack.pop();
      }
      statements(toks, 0, depth);
    }

    /** Statements of one logical line from {@code i}: simple ones split at ';' or one compound header. */
    private void statements(List<Token> toks, int i, int depth) {
      while (i < toks.size()) {
        Token first = toks.get(i);
        if (!first.is("elif") && !first.is("else")) {
          chainTaken.remove(depth); // a new statement ends any if/elif/else chain at this depth
        }
        if (first.isName() && COMPOUND.contains(first.text()) && !isAssignmentTarget(toks, i)) {
          int colon = headerColon(toks, i);
          if (colon < 0) {
            dynamic(toks, i, toks.size());
            return;
          }
          Ctx ctx = header(toks, i, colon, depth);
          dynamic(toks, i, colon);
          stack.push(ctx);
          if (colon + 1 < toks.size()) {
            statements(toks, colon + 1, depth);
            stack.pop();
          }
          return;
        }
        int end = statementEnd(toks, i);
        if (depth == 0 && stack.isEmpty() && first.isName() && i + 1 < end && toks.get(i + 1).is("=")) {
          if (neverOnLinux(toks, i + 2, end)) {
            falseNames.add(first.text()); // e.g. _mswindows = (sys.platform == "win32")
          } else if (Boolean.TRUE.equals(versionTest(stripParens(toks.subList(i + 2, end))))) {
            trueNames.add(first.text()); // e.g. PY3 = sys.version_info[0] == 3
          }
        }
        if (first.is("import")) {
          importStatement(toks, i + 1, end);
        } else if (first.is("from")) {
          fromStatement(toks, i + 1, end);
        } else {
          dynamic(toks, i, end);
        }
        i = end + 1;
      }
    }

    /** "else = 1" cannot happen for keywords; but soft words like "match" are not in COMPOUND. */
    private static boolean isAssignmentTarget(List<Token> toks, int i) {
      return i + 1 < toks.size() && toks.get(i + 1).is("=");
    }

    /** The context a compound statement's header opens. */
    private Ctx header(List<Token> toks, int i, int colon, int depth) {
      return switch (toks.get(i).text()) {
        case "try" -> {
          TryFrame f = new TryFrame();
          lastTry.put(depth, f);
          yield new Ctx(depth, CtxKind.TRY_BODY, f);
        }
        case "except" -> {
          TryFrame f = lastTry.get(depth);
          if (f != null && handlerCatchesImportError(toks, i + 1, colon)) {
            f.catchesImportError = true;
          }
          yield new Ctx(depth, CtxKind.PLAIN, null);
        }
        case "if", "elif" -> ifHeader(toks, i, colon, depth);
        case "else" -> {
          boolean dead = chainTaken.getOrDefault(depth, false);
          chainTaken.remove(depth);
          yield new Ctx(depth, dead ? CtxKind.DEAD : CtxKind.PLAIN, null);
        }
        case "with" -> new Ctx(depth, suppressesImportError(toks, i + 1, colon) ? CtxKind.GUARDED : CtxKind.PLAIN, null);
        case "def" -> defHeader(toks, i, colon, depth);
        case "class" -> new Ctx(depth, CtxKind.CLASS, null);
        case "async" -> {
          boolean def = i + 1 < colon && toks.get(i + 1).is("def");
          boolean with = i + 1 < colon && toks.get(i + 1).is("with");
          yield with && suppressesImportError(toks, i + 2, colon) ? new Ctx(depth, CtxKind.GUARDED, null)
              : new Ctx(depth, def ? CtxKind.FUNCTION : CtxKind.PLAIN, null);
        }
        default -> new Ctx(depth, CtxKind.PLAIN, null);
      };
    }

    /** An if or elif: dead when an earlier branch always runs or its test never holds here, else plain. */
    private Ctx ifHeader(List<Token> toks, int i, int colon, int depth) {
      if (toks.get(i).is("elif") && chainTaken.getOrDefault(depth, false)) {
        return new Ctx(depth, CtxKind.DEAD, null); // an earlier branch always runs
      }
      if (isTypeChecking(toks, i + 1, colon)) {
        return new Ctx(depth, CtxKind.GUARDED, null);
      }
      if (neverOnLinux(toks, i + 1, colon) || (!asMain && isMainCheck(toks, i + 1, colon))) {
        return new Ctx(depth, CtxKind.DEAD, null);
      }
      List<Token> cond = stripParens(toks.subList(i + 1, colon));
      Boolean v = versionTest(cond);
      if (cond.size() == 1 && trueNames.contains(cond.get(0).text())) {
        v = true;
      }
      if (Boolean.FALSE.equals(v)) {
        return new Ctx(depth, CtxKind.DEAD, null);
      }
      if (Boolean.TRUE.equals(v)) {
        chainTaken.put(depth, true);
      }
      Ctx function = stack.stream().filter(Ctx::function).findFirst().orElse(null);
      List<String> attributes = function != null && function.kind() == CtxKind.MODULE_GETATTR
          ? attributeTest(cond, function.argument()) : null;
      return new Ctx(depth, CtxKind.PLAIN, null, null, attributes);
    }

    /** A def: a function, or a module-level {@code __getattr__(name)} whose imports may be lazy. */
    private Ctx defHeader(List<Token> toks, int i, int colon, int depth) {
      boolean moduleLevel = stack.stream().noneMatch(c -> c.function() || c.kind() == CtxKind.CLASS);
      if (moduleLevel && i + 3 < colon && toks.get(i + 1).is("__getattr__") && toks.get(i + 2).is("(")
          && toks.get(i + 3).isName()) {
        return new Ctx(depth, CtxKind.MODULE_GETATTR, null, toks.get(i + 3).text(), null);
      }
      return new Ctx(depth, CtxKind.FUNCTION, null);
    }

    private static boolean handlerCatchesImportError(List<Token> toks, int from, int colon) {
      int i = from;
      if (i < colon && toks.get(i).is("*")) {
        i++; // except* (exception groups)
      }
      if (i >= colon) {
        return true; // bare except
      }
      for (int k = i; k < colon; k++) {
        Token t = toks.get(k);
        if (t.is("as")) {
          break;
        }
        if (t.isName() && CATCHES_IMPORT.contains(t.text())) {
          return true;
        }
      }
      return false;
    }

    /**
     * The names of a test that holds only for them: {@code arg == "X"}, {@code "X" == arg} or {@code
     * arg in ("X", "Y")} (a tuple or list), alone or joined by {@code or}; null for any other test.
     */
    private static List<String> attributeTest(List<Token> cond, String arg) {
      List<String> names = new ArrayList<>();
      int start = 0;
      for (int k = 0; k <= cond.size(); k++) {
        if (k < cond.size() && !cond.get(k).is("or")) {
          continue;
        }
        List<Token> term = stripParens(cond.subList(start, k));
        start = k + 1;
        if (term.size() == 3 && term.get(1).is("==")) {
          Token a = term.get(0);
          Token b = term.get(2);
          String v = a.is(arg) ? b.stringValue() : b.is(arg) ? a.stringValue() : null;
          if (v == null) {
            return null;
          }
          names.add(v);
        } else if (term.size() >= 3 && term.get(0).is(arg) && term.get(1).is("in")) {
          List<String> values = literals(term.subList(2, term.size()));
          if (values == null || values.isEmpty()) {
            return null;
          }
          names.addAll(values);
        } else {
          return null;
        }
      }
      return names;
    }

    private static boolean isTypeChecking(List<Token> toks, int from, int colon) {
      int n = colon - from;
      if (n == 1) {
        return toks.get(from).is("TYPE_CHECKING");
      }
      return n == 3 && toks.get(from + 1).is(".") && toks.get(from + 2).is("TYPE_CHECKING");
    }

    /**
     * The value of {@code sys.version_info <op> (3, 10)}, {@code sys.version_info[:2] <op> (...)},
     * {@code sys.version_info[0] <op> 3} or {@code sys.version_info.major <op> 3} for the known
     * version; null when unknown (no version, micro versions, anything else).
     */
    private Boolean versionTest(List<Token> t) {
      VersionRead left = versionRead(t);
      if (left == null || left.end() >= t.size()) {
        return null;
      }
      List<Long> other = numbers(stripParens(t.subList(left.end() + 1, t.size())));
      Integer cmp = other == null ? null : left.compareTo(other);
      if (cmp == null) {
        return null;
      }
      return switch (t.get(left.end()).text()) {
        case "<" -> cmp < 0;
        case "<=" -> cmp <= 0;
        case ">" -> cmp > 0;
        case ">=" -> cmp >= 0;
        case "==" -> cmp == 0;
        case "!=" -> cmp != 0;
        default -> null;
      };
    }

    /**
     * The known version as the test's left side reads it, and where its operator is: {@code
     * sys.version_info}, {@code [:2]} or {@code [0]}/{@code .major} of it; null when there is no
     * known version or the test starts otherwise.
     */
    private VersionRead versionRead(List<Token> t) {
      if (version == null || t.size() < 5 || !t.get(0).is("sys") || !t.get(1).is(".") || !t.get(2).is("version_info")) {
        return null;
      }
      int k = 3;
      if (t.get(k).is("[") && t.size() > k + 3 && t.get(k + 1).is(":") && t.get(k + 2).text().equals("2")
          && t.get(k + 3).is("]")) {
        return new VersionRead(new long[] {version[0], version[1]}, true, k + 4);
      }
      if ((t.get(k).is("[") && t.size() > k + 2 && t.get(k + 1).text().equals("0") && t.get(k + 2).is("]"))
          || (t.get(k).is(".") && t.get(k + 1).is("major"))) {
        return new VersionRead(new long[] {version[0]}, true, k + (t.get(k).is("[") ? 3 : 2));
      }
      return new VersionRead(new long[] {version[0], version[1]}, false, k);
    }

    /** The whole numbers of a literal tuple or number ({@code 3, 10}); null if it holds anything else or nothing. */
    private static List<Long> numbers(List<Token> t) {
      List<Long> numbers = new ArrayList<>();
      for (Token x : t) {
        if (x.is(",")) {
          continue;
        }
        if (x.type() != Type.NUMBER || !x.text().matches("[0-9]+")) {
          return null;
        }
        numbers.add(Long.parseLong(x.text()));
      }
      return numbers.isEmpty() ? null : numbers;
    }

    /** {@code __name__ == "__main__"} (either order). */
    private static boolean isMainCheck(List<Token> toks, int from, int to) {
      if (to - from != 3 || !toks.get(from + 1).is("==")) {
        return false;
      }
      Token a = toks.get(from);
      Token b = toks.get(from + 2);
      return (a.is("__name__") && "__main__".equals(b.stringValue())) || (b.is("__name__") && "__main__".equals(a.stringValue()));
    }

    /** A condition that is false on Linux: a platform test, a name assigned one, or an "and" with one. */
    private boolean neverOnLinux(List<Token> toks, int from, int to) {
      int depth = 0;
      int start = from;
      for (int k = from; k <= to; k++) {
        if (k == to || (depth == 0 && toks.get(k).is("and"))) {
          if (falseTerm(stripParens(toks.subList(start, k)))) {
            return true;
          }
          start = k + 1;
          continue;
        }
        Token t = toks.get(k);
        if (t.is("(") || t.is("[")) {
          depth++;
        } else if (t.is(")") || t.is("]")) {
          depth--;
        }
      }
      return false;
    }

    private static List<Token> stripParens(List<Token> t) {
      while (t.size() >= 2 && t.get(0).is("(") && t.get(t.size() - 1).is(")")) {
        t = t.subList(1, t.size() - 1);
      }
      return t;
    }

    private boolean falseTerm(List<Token> t) {
      if (t.size() == 1 && t.get(0).isName() && falseNames.contains(t.get(0).text())) {
        return true;
      }
      // sys.platform == "x" / os.name == "x" / sys.platform in ("a", "b") / either order for ==
      int op = -1;
      for (int k = 0; k < t.size(); k++) {
        if (t.get(k).is("==") || t.get(k).is("in")) {
          op = k;
          break;
        }
      }
      if (op > 0) {
        List<Token> left = t.subList(0, op);
        List<Token> right = t.subList(op + 1, t.size());
        if (t.get(op).is("==") && platformValue(right) != null) {
          List<Token> swap = left;
          left = right;
          right = swap;
        }
        String linux = platformValue(left);
        List<String> values = literals(right);
        if (linux != null && values != null && !values.isEmpty()) {
          return values.stream().noneMatch(v -> linux.equals("posix") ? v.equals("posix") : v.startsWith("linux"));
        }
        return false;
      }
      // sys.platform.startswith("win") / startswith(("win", "cygwin"))
      if (t.size() >= 6 && t.get(0).is("sys") && t.get(1).is(".") && t.get(2).is("platform") && t.get(3).is(".")
          && t.get(4).is("startswith") && t.get(5).is("(") && t.get(t.size() - 1).is(")")) {
        List<String> values = literals(t.subList(6, t.size() - 1));
        return values != null && !values.isEmpty() && values.stream().noneMatch("linux"::startsWith);
      }
      return false;
    }

    /** "linux" for {@code sys.platform}, "posix" for {@code os.name}; null otherwise. */
    private static String platformValue(List<Token> t) {
      if (t.size() == 3 && t.get(1).is(".")) {
        if ((t.get(0).is("sys") || t.get(0).is("_sys")) && t.get(2).is("platform")) {
          return "linux";
        }
        if ((t.get(0).is("os") || t.get(0).is("_os")) && t.get(2).is("name")) {
          return "posix";
        }
      }
      return null;
    }

    /** String literals alone or in a tuple/list; null when anything else is there. */
    private static List<String> literals(List<Token> t) {
      List<String> out = new ArrayList<>();
      for (Token x : stripParens(t)) {
        if (x.is(",") || x.is("[") || x.is("]")) {
          continue;
        }
        String v = x.stringValue();
        if (v == null) {
          return null;
        }
        out.add(v);
      }
      return out;
    }

    private static boolean suppressesImportError(List<Token> toks, int from, int colon) {
      for (int k = from; k + 1 < colon; k++) {
        if (toks.get(k).is("suppress") && toks.get(k + 1).is("(")) {
          int depth = 0;
          for (int j = k + 1; j < colon; j++) {
            Token t = toks.get(j);
            if (t.is("(")) {
              depth++;
            } else if (t.is(")")) {
              if (--depth == 0) {
                break;
              }
            } else if (t.isName() && CATCHES_IMPORT.contains(t.text())) {
              return true;
            }
          }
        }
      }
      return false;
    }

    /** The ':' ending a compound statement header, skipping brackets and lambda colons; -1 if none. */
    private static int headerColon(List<Token> toks, int i) {
      int depth = 0;
      int lambdas = 0;
      for (int k = i; k < toks.size(); k++) {
        Token t = toks.get(k);
        if (t.type() != Type.OP && !t.is("lambda")) {
          continue;
        }
        switch (t.text()) {
          case "(", "[", "{" -> depth++;
          case ")", "]", "}" -> depth--;
          case "lambda" -> {
            if (depth == 0) {
              lambdas++;
            }
          }
          case ":" -> {
            if (depth == 0) {
              if (lambdas == 0) {
                return k;
              }
              lambdas--;
            }
          }
          default -> { }
        }
      }
      return -1;
    }

    private static int statementEnd(List<Token> toks, int i) {
      int depth = 0;
      for (int k = i; k < toks.size(); k++) {
        Token t = toks.get(k);
        if (t.type() != Type.OP) {
          continue;
        }
        switch (t.text()) {
          case "(", "[", "{" -> depth++;
          case ")", "]", "}" -> depth--;
          case ";" -> {
            if (depth <= 0) {
              return k;
            }
          }
          default -> { }
        }
      }
      return toks.size();
    }

    /** {@code import a.b as c, d} from just after "import". */
    private void importStatement(List<Token> toks, int i, int end) {
      int line = toks.get(i - 1).line();
      while (i < end) {
        StringBuilder name = new StringBuilder();
        while (i < end && toks.get(i).isName()) {
          name.append(toks.get(i).text());
          i++;
          if (i < end && toks.get(i).is(".")) {
            name.append('.');
            i++;
          } else {
            break;
          }
        }
        if (name.length() > 0 && name.charAt(name.length() - 1) != '.') {
          record(Kind.IMPORT, name.toString(), 0, List.of(), line);
        }
        while (i < end && !toks.get(i).is(",")) {
          i++; // "as c"
        }
        i++;
      }
    }

    /** {@code from ..a.b import (x, y as z)} from just after "from". */
    private void fromStatement(List<Token> toks, int i, int end) {
      int line = toks.get(i - 1).line();
      int level = 0;
      while (i < end && (toks.get(i).is(".") || toks.get(i).is("..."))) {
        level += toks.get(i).text().length();
        i++;
      }
      StringBuilder module = new StringBuilder();
      while (i < end && !toks.get(i).is("import")) {
        Token t = toks.get(i);
        if (!t.isName() && !t.is(".")) {
          return; // not an import statement we understand
        }
        module.append(t.text());
        i++;
      }
      if (i >= end) {
        return;
      }
      i++; // import
      List<String> names = new ArrayList<>();
      boolean expectName = true;
      for (; i < end; i++) {
        Token t = toks.get(i);
        if (t.is("(") || t.is(")")) {
          continue;
        }
        if (t.is(",")) {
          expectName = true;
        } else if (expectName && (t.isName() || t.is("*"))) {
          names.add(t.text());
          expectName = false;
        }
      }
      if (!names.isEmpty() && (level > 0 || module.length() > 0)) {
        record(Kind.FROM, module.toString(), level, names, line);
      }
    }

    /** {@code __import__('a.b')}, {@code importlib.import_module('.x', 'pkg')} with literal strings. */
    private void dynamic(List<Token> toks, int from, int to) {
      for (int k = from; k + 1 < to; k++) {
        Token t = toks.get(k);
        if (isImportCall(toks, from, k)) {
          List<List<Token>> args = arguments(toks, k + 2, to);
          String name = args.isEmpty() ? null : literal(args.get(0));
          if (name != null && !name.isEmpty()) {
            dynamicImport(name, t.is("__import__"), args, t.line());
          }
        }
      }
    }

    /** Token k calls {@code __import__} or {@code import_module}, bare or as {@code builtins.}/{@code importlib.}; not a def. */
    private static boolean isImportCall(List<Token> toks, int from, int k) {
      Token t = toks.get(k);
      boolean dunder = t.is("__import__");
      if ((!dunder && !t.is("import_module")) || !toks.get(k + 1).is("(")) {
        return false;
      }
      Token prev = k > from ? toks.get(k - 1) : null;
      if (prev != null && prev.is("def")) {
        return false;
      }
      if (prev != null && prev.is(".")) {
        Token owner = k - 2 >= from ? toks.get(k - 2) : null;
        return owner != null && owner.is(dunder ? "builtins" : "importlib");
      }
      return true;
    }

    /** Records the module a call imports by the literal {@code name}; a relative one by its package argument. */
    private void dynamicImport(String name, boolean dunder, List<List<Token>> args, int line) {
      if (!name.startsWith(".")) {
        record(Kind.DYNAMIC, name, 0, List.of(), line);
        return;
      }
      if (dunder) {
        return;
      }
      int level = 0;
      while (level < name.length() && name.charAt(level) == '.') {
        level++;
      }
      String rest = name.substring(level);
      List<Token> pkgArg = packageArgument(args);
      if (pkgArg == null) {
        return; // TypeError at run time: relative name without package
      }
      String pkg = literal(pkgArg);
      if (pkg != null) {
        String[] bits = rsplit(pkg, level - 1);
        if (bits != null) {
          record(Kind.DYNAMIC, rest.isEmpty() ? bits[0] : bits[0] + "." + rest, 0, List.of(), line);
        }
      } else if (pkgArg.size() == 1 && (pkgArg.get(0).is("__name__") || pkgArg.get(0).is("__package__"))) {
        record(Kind.DYNAMIC, rest, level, List.of(), line);
      }
    }

    /** The tokens of import_module's package argument (second positional or {@code package=}); null if none. */
    private static List<Token> packageArgument(List<List<Token>> args) {
      List<Token> pkgArg = null;
      for (int a = 1; a < args.size(); a++) {
        List<Token> arg = args.get(a);
        if (arg.size() >= 2 && arg.get(0).is("package") && arg.get(1).is("=")) {
          pkgArg = arg.subList(2, arg.size());
        } else if (a == 1 && !(arg.size() >= 2 && arg.get(1).is("="))) {
          pkgArg = arg;
        }
      }
      return pkgArg;
    }

    /** The leading part of {@code pkg} after dropping {@code drop} trailing dotted parts; null if too short. */
    private static String[] rsplit(String pkg, int drop) {
      String base = pkg;
      for (int i = 0; i < drop; i++) {
        int dot = base.lastIndexOf('.');
        if (dot < 0) {
          return null;
        }
        base = base.substring(0, dot);
      }
      return new String[] {base};
    }

    /** Arguments of a call, each as its tokens, from just after '(' up to the matching ')'. */
    private static List<List<Token>> arguments(List<Token> toks, int from, int to) {
      List<List<Token>> args = new ArrayList<>();
      List<Token> current = new ArrayList<>();
      int depth = 0;
      for (int k = from; k < to; k++) {
        Token t = toks.get(k);
        if (t.is("(") || t.is("[") || t.is("{")) {
          depth++;
        } else if (t.is(")") || t.is("]") || t.is("}")) {
          if (depth == 0) {
            if (!current.isEmpty()) {
              args.add(current);
            }
            return args;
          }
          depth--;
        } else if (t.is(",") && depth == 0) {
          args.add(current);
          current = new ArrayList<>();
          continue;
        }
        current.add(t);
      }
      return List.of(); // unterminated call
    }

    /** The value of tokens that are only plain string literals (implicitly concatenated); else null. */
    private static String literal(List<Token> toks) {
      if (toks.isEmpty()) {
        return null;
      }
      StringBuilder b = new StringBuilder();
      for (Token t : toks) {
        String v = t.stringValue();
        if (v == null) {
          return null;
        }
        b.append(v);
      }
      return b.toString();
    }

    private void record(Kind kind, String module, int level, List<String> names, int line) {
      List<TryFrame> tries = new ArrayList<>();
      boolean guarded = false;
      List<String> attributes = null;
      for (Ctx c : stack) {
        if (c.kind() == CtxKind.DEAD) {
          return; // never runs on Linux, or only when run as __main__
        }
      }
      for (Ctx c : stack) { // innermost first
        if (c.function()) {
          if (c.kind() != CtxKind.MODULE_GETATTR) {
            attributes = null; // a function defined in __getattr__ may run for any attribute
          }
          break; // a function body runs later, outside any surrounding try
        }
        if (attributes == null) {
          attributes = c.attributes(); // the innermost test: all enclosing ones must hold
        }
        if (c.kind() == CtxKind.TRY_BODY) {
          tries.add(c.tryFrame());
        } else if (c.kind() == CtxKind.GUARDED) {
          guarded = true;
        }
      }
      found.add(new Found(kind, module, level, List.copyOf(names), line, tries, guarded,
          attributes == null ? List.of() : attributes));
    }
  }
}

package dev.shrink.python;

import java.util.LinkedHashSet;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Programs and files the app's own code names by literal: the first argument of
 * {@code subprocess.run/call/check_output/Popen}, {@code os.exec*p}, {@code shutil.which}, the first
 * string of a list or tuple literal (an argv kept in a variable), the commands of a shell string
 * ({@code shell=True}, {@code os.system}) together with {@code /bin/sh}, which Python runs them with, and absolute paths in string
 * literals. Candidates only: the caller keeps those that exist in the image. A computed name is
 * the probe's job.
 */
final class ProgramScanner {
  private static final String STR = "[rbuRBU]?(['\"])([^'\"\\n]+)";
  private static final Pattern CALL = Pattern.compile(
      "\\b(?:run|call|check_call|check_output|Popen|getoutput|getstatusoutput|system|popen|which|exec[lv]p?e?|spawn[lv]p?e?)"
          + "\\(\\s*(?:os\\.P_\\w+\\s*,\\s*)?\\[?\\s*" + STR + "\\1");
  private static final Pattern ARGV = Pattern.compile("[\\[(]\\s*" + STR + "\\1\\s*[,\\])]");
  private static final Pattern PATH = Pattern.compile(STR.replace("[^'\"\\n]+", "/[^'\"\\s]+") + "\\1");
  private static final Pattern SHELL_SPLIT = Pattern.compile("\\|\\||&&|[|;&`]|\\$\\(|\\n");

  private ProgramScanner() {}

  /** Program names (no slash) or paths the source may start. */
  static Set<String> programs(String source) {
    String code = stripComments(source);
    Set<String> names = new LinkedHashSet<>();
    Matcher m = CALL.matcher(code);
    while (m.find()) {
      String literal = m.group(2).strip();
      if (literal.matches(".*[\\s|;&$`<>].*")) {
        names.add("/bin/sh");
        for (String part : SHELL_SPLIT.split(literal)) {
          String[] words = part.strip().split("\\s+");
          for (String w : words) {
            if (!w.isEmpty() && !w.contains("=") && !w.startsWith("(")) {
              names.add(w);
              break;
            }
          }
        }
      } else {
        names.add(literal);
      }
    }
    Matcher a = ARGV.matcher(code);
    while (a.find()) {
      String literal = a.group(2).strip();
      if (!literal.isEmpty() && !literal.matches(".*\\s.*")) {
        names.add(literal);
      }
    }
    return names;
  }

  /** Absolute paths written as string literals. */
  static Set<String> paths(String source) {
    Set<String> paths = new LinkedHashSet<>();
    Matcher m = PATH.matcher(stripComments(source));
    while (m.find()) {
      paths.add(m.group(2));
    }
    return paths;
  }

  private static String stripComments(String source) {
    StringBuilder out = new StringBuilder(source.length());
    for (String line : source.split("\n", -1)) {
      out.append(stripComment(line)).append('\n');
    }
    return out.toString();
  }

  private static String stripComment(String line) {
    boolean single = false;
    boolean dbl = false;
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (c == '\\') {
        i++;
      } else if (c == '\'' && !dbl) {
        single = !single;
      } else if (c == '"' && !single) {
        dbl = !dbl;
      } else if (c == '#' && !single && !dbl) {
        return line.substring(0, i);
      }
    }
    return line;
  }
}

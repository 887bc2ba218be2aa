package dev.shrink.minify;

import java.util.LinkedHashSet;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Programs the app's own code starts by a literal name: {@code subprocess.run(["uname", ...])},
 * {@code Popen("date")}, {@code os.execvp("tool", ...)}, {@code shutil.which("tool")}.
 * Only literal first arguments count; a computed name is the probe's job.
 */
final class ProgramScanner {
  private static final Pattern CALL = Pattern.compile(
      "\\b(?:subprocess\\.)?(?:run|call|check_call|check_output|Popen|getoutput|getstatusoutput)\\(\\s*\\[?\\s*[rbu]?(['\"])([^'\"\\s]+)\\1"
          + "|\\bos\\.(?:exec|spawn)[lv]p?e?\\(\\s*(?:os\\.P_\\w+\\s*,\\s*)?[rbu]?(['\"])([^'\"\\s]+)\\3"
          + "|\\b(?:shutil\\.)?which\\(\\s*[rbu]?(['\"])([^'\"\\s]+)\\5");

  private ProgramScanner() {}

  static Set<String> scan(String source) {
    Set<String> names = new LinkedHashSet<>();
    for (String line : source.split("\n")) {
      String code = stripComment(line);
      Matcher m = CALL.matcher(code);
      while (m.find()) {
        String name = m.group(2) != null ? m.group(2) : m.group(4) != null ? m.group(4) : m.group(6);
        names.add(name);
      }
    }
    return names;
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

package dev.shrink.probe;

import java.util.ArrayList;
import java.util.List;

/**
 * One way of exercising an image: an HTTP GET once it answers, a run with given arguments, or the
 * user's own program run against the running container.
 */
public sealed interface Probe {
  /** A short label used in reasons and reports: {@code GET /number}, {@code cmd python3 x.py}. */
  String label();

  /** {@code GET PATH} on container port {@code port}, once the port answers. */
  record Http(int port, String path) implements Probe {
    @Override
    public String label() {
      return "GET " + path;
    }
  }

  /** A run with these arguments replacing the image's CMD (the ENTRYPOINT stays); empty = the default command. */
  record Cmd(List<String> args) implements Probe {
    @Override
    public String label() {
      return args.isEmpty() ? "cmd (default command)" : "cmd " + String.join(" ", args);
    }
  }

  /**
   * The user's program {@code file}, run on this machine once container port {@code port} answers
   * HTTP, with the container's URL ({@code http://127.0.0.1:HOSTPORT}) as its first argument and in
   * {@code SHRINK_URL}; its exit code is the outcome (0 = the container passed its checks).
   */
  record Script(int port, String file) implements Probe {
    @Override
    public String label() {
      return "script " + file;
    }
  }

  /**
   * The image's own command, run once when no probe is given: an image that exposes {@code ports}
   * is asked {@code GET /} on the first of them that answers (any status is an answer); one with no
   * ports runs its default command to its end.
   */
  record Startup(List<Integer> ports) implements Probe {
    public Startup {
      ports = List.copyOf(ports);
    }

    @Override
    public String label() {
      return ports.isEmpty() ? "start-up (default command)" : "start-up GET /";
    }

    /** The start-up probe of an image that exposes these ports ({@code 8000/tcp}, as the config has them); only TCP ports are asked. */
    public static Startup of(List<String> exposed) {
      return new Startup(exposed.stream().filter(p -> p.matches("\\d{1,5}(/tcp)?")).map(p -> Integer.parseInt(p.split("/")[0]))
          .filter(p -> p > 0 && p < 65536).distinct().sorted().toList());
    }
  }

  /** Parses {@code PORT:PATH}, e.g. {@code 8000:/number}. */
  static Http http(String spec) {
    int colon = spec.indexOf(':');
    if (colon <= 0) {
      throw new IllegalArgumentException("--probe-http must be PORT:PATH, e.g. 8000:/number; got " + spec);
    }
    int port;
    try {
      port = Integer.parseInt(spec.substring(0, colon));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("--probe-http must be PORT:PATH with a numeric port; got " + spec);
    }
    String path = spec.substring(colon + 1);
    if (port < 1 || port > 65535 || !path.startsWith("/")) {
      throw new IllegalArgumentException("--probe-http must be PORT:PATH with PATH starting with /; got " + spec);
    }
    return new Http(port, path);
  }

  /** Splits {@code ARGS} into words as a shell would for simple quoting ('...', "...", \x); {@code ''} is the default command. */
  static Cmd cmd(String spec) {
    List<String> words = new ArrayList<>();
    StringBuilder word = null;
    char quote = 0;
    for (int i = 0; i < spec.length(); i++) {
      char ch = spec.charAt(i);
      if (quote != 0) {
        if (ch == quote) {
          quote = 0;
        } else if (ch == '\\' && quote == '"' && i + 1 < spec.length()) {
          word.append(spec.charAt(++i));
        } else {
          word.append(ch);
        }
      } else if (Character.isWhitespace(ch)) {
        if (word != null) {
          words.add(word.toString());
          word = null;
        }
      } else {
        if (word == null) {
          word = new StringBuilder();
        }
        if (ch == '\'' || ch == '"') {
          quote = ch;
        } else if (ch == '\\' && i + 1 < spec.length()) {
          word.append(spec.charAt(++i));
        } else {
          word.append(ch);
        }
      }
    }
    if (quote != 0) {
      throw new IllegalArgumentException("--probe-cmd has an unclosed quote: " + spec);
    }
    if (word != null) {
      words.add(word.toString());
    }
    return new Cmd(List.copyOf(words));
  }

  /** Parses {@code PORT:FILE}, e.g. {@code 8000:tests/api.sh}; FILE must be an executable file. */
  static Script script(String spec) {
    int colon = spec.indexOf(':');
    int port;
    try {
      port = colon > 0 ? Integer.parseInt(spec.substring(0, colon)) : -1;
    } catch (NumberFormatException e) {
      port = -1;
    }
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("--probe-script must be PORT:FILE with a numeric container port, e.g. 8000:tests/api.sh; got " + spec);
    }
    String file = spec.substring(colon + 1);
    if (!java.nio.file.Files.isRegularFile(java.nio.file.Path.of(file)) || !java.nio.file.Files.isExecutable(java.nio.file.Path.of(file))) {
      throw new IllegalArgumentException("--probe-script " + spec + ": " + file + " is not an executable file");
    }
    return new Script(port, file);
  }

  /** The probes named by the command-line options: HTTP, then scripts, then commands. */
  static List<Probe> of(List<String> http, List<String> cmd, List<String> scripts) {
    List<Probe> probes = new ArrayList<>();
    http.forEach(h -> probes.add(http(h)));
    scripts.forEach(s -> probes.add(script(s)));
    cmd.forEach(c -> probes.add(cmd(c)));
    return List.copyOf(probes);
  }
}

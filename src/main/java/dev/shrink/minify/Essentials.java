package dev.shrink.minify;

import dev.shrink.closure.Analyser;
import dev.shrink.closure.Requirement;
import dev.shrink.fs.RootFs;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The run user of the output image and the account files that name it. */
public record Essentials(int uid, int gid, String userName, String passwd, String group) {
  public static final int NONROOT = 65532;

  /**
   * Chooses the user: the image's own when it is not root, else 65532 "nonroot"; {@code override}
   * is {@code UID[:GID]}. The passwd and group files keep root and the run user only, their lines as the image has them.
   */
  public static Essentials of(RootFs root, String imageUser, String override) throws IOException {
    return of(lines(root, "/etc/passwd"), lines(root, "/etc/group"), imageUser, override);
  }

  /**
   * The user of an image built from a host (shrink build): 65532 "nonroot" unless {@code override}
   * ({@code UID[:GID]}, numeric) says otherwise; the account files are written from scratch, so no
   * line of the host's /etc/passwd or /etc/group gets into the image.
   */
  public static Essentials synthesized(String override) {
    if (override != null && !override.matches("\\d+(:\\d+)?")) {
      throw new IllegalArgumentException("--user " + override + ": give a numeric UID[:GID]; the image has no account database to look names up in");
    }
    return of(List.of(), List.of(), null, override);
  }

  private static Essentials of(List<String> passwd, List<String> group, String imageUser, String override) {
    String spec = override != null ? override : imageUser;
    int uid = NONROOT;
    int gid = NONROOT;
    if (spec != null && !spec.isBlank()) {
      String[] parts = spec.split(":", 2);
      Optional<String[]> byName = find(passwd, parts[0]);
      if (parts[0].matches("\\d+")) {
        uid = Integer.parseInt(parts[0]);
        gid = byName.map(p -> Integer.parseInt(p[3])).orElse(uid);
      } else if (byName.isPresent()) {
        uid = Integer.parseInt(byName.get()[2]);
        gid = Integer.parseInt(byName.get()[3]);
      } else {
        throw new IllegalArgumentException("user '" + parts[0] + "' is not in the image's /etc/passwd; give a numeric --user UID[:GID]");
      }
      if (parts.length == 2) {
        String g = parts[1];
        Optional<String[]> groupByName = find(group, g);
        gid = g.matches("\\d+") ? Integer.parseInt(g)
            : groupByName.map(x -> Integer.parseInt(x[2])).orElseThrow(() -> new IllegalArgumentException("group '" + g + "' is not in the image's /etc/group"));
      }
      if (uid == 0 && override == null) {
        uid = NONROOT;
        gid = NONROOT;
      }
    }
    int u = uid;
    int g = gid;
    Optional<String[]> user = passwd.stream().map(l -> l.split(":", -1)).filter(p -> p.length >= 7 && p[2].equals(String.valueOf(u))).findFirst();
    String name = user.map(p -> p[0]).orElse(u == NONROOT ? "nonroot" : "user" + u);
    List<String> passwdOut = new ArrayList<>();
    passwdOut.add(line(passwd, 2, "0").orElse("root:x:0:0:root:/root:/sbin/nologin"));
    if (u != 0) {
      passwdOut.add(user.map(p -> String.join(":", p)).orElse(name + ":x:" + u + ":" + g + ":" + name + ":/home/" + name + ":/sbin/nologin"));
    }
    List<String> groupOut = new ArrayList<>();
    groupOut.add(line(group, 2, "0").orElse("root:x:0:"));
    if (g != 0) {
      groupOut.add(line(group, 2, String.valueOf(g)).orElse((g == NONROOT ? "nonroot" : name) + ":x:" + g + ":"));
    }
    return new Essentials(u, g, name, String.join("\n", passwdOut) + "\n", String.join("\n", groupOut) + "\n");
  }

  /** The first line whose field {@code index} is {@code value}, as it is in the image. */
  private static Optional<String> line(List<String> lines, int index, String value) {
    return lines.stream().filter(l -> {
      String[] p = l.split(":", -1);
      return p.length > index && p[index].equals(value);
    }).findFirst();
  }

  private static Optional<String[]> find(List<String> lines, String name) {
    return lines.stream().map(l -> l.split(":", -1)).filter(p -> p.length >= 3 && p[0].equals(name)).findFirst();
  }

  private static List<String> lines(RootFs root, String path) throws IOException {
    if (!root.isRegularFile(path)) {
      return List.of();
    }
    return new String(root.read(path), StandardCharsets.UTF_8).lines().filter(l -> !l.isBlank() && !l.startsWith("#")).toList();
  }

  public String configUser() {
    return uid + ":" + gid;
  }

  public static Requirement requirement(String path, String reason) {
    return new Requirement(path, Analyser.ESSENTIALS, reason);
  }
}

package dev.shrink.minify;

import dev.shrink.closure.Analyser;
import dev.shrink.closure.Requirement;
import dev.shrink.fs.RootFs;
import dev.shrink.fs.SystemPaths;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Says that the root being minified is a machine's own filesystem (shrink build), not an image's,
 * with the directories the user named mounted into it. What the user named is kept whole; of the
 * rest only what the analysis needs, and never a private file of the machine (credentials, keys,
 * shell history, other files in home directories).
 *
 * @param appDir image path of the application directory (a mount, the WORKDIR): kept whole except
 *     version-control metadata and virtual environments inside it, whose files the analysis finds
 * @param copies image paths of the other files and directories the user named (mounts), kept whole
 * @param homes image paths of home directories: nothing under them is kept unless the user named
 *     it or it belongs to the interpreter (its prefix, virtual environment, sys.path)
 */
public record HostRoot(String appDir, List<String> copies, List<String> homes) {
  /** Directories of an application that are not the application. */
  private static final Set<String> VCS = Set.of(".git", ".hg", ".svn", ".bzr");

  /**
   * Files that are private to a machine or its users; never taken from a host unless the user
   * named them (inside the app directory or a --copy).
   */
  static final List<String> PRIVATE = List.of(
      "/etc/shadow", "/etc/shadow-", "/etc/gshadow", "/etc/gshadow-", "/etc/sudoers", "/etc/sudoers.d/**", "/etc/ssh/**",
      "/etc/machine-id", "/var/lib/dbus/machine-id",
      "/proc/**", "/sys/**", "/dev/**", "/run/**",
      "**/.ssh/**", "**/.gnupg/**", "**/.aws/**", "**/.azure/**", "**/.config/gcloud/**", "**/.kube/**", "**/.docker/**",
      "**/.netrc", "**/.git-credentials", "**/.pypirc", "**/.npmrc", "**/.*_history", "**/.python_history",
      "**/.config/containers/auth.json", "**/containers/auth.json");

  public HostRoot {
    appDir = RootFs.normalize(appDir);
    copies = copies.stream().map(RootFs::normalize).toList();
    homes = homes.stream().map(RootFs::normalize).filter(h -> !h.equals("/")).distinct().toList();
  }

  /** The app directory and the copies: what the user named. */
  List<String> namedDirs() {
    List<String> out = new ArrayList<>(copies);
    out.add(0, appDir);
    return out;
  }

  /** True when the user named {@code path}: it is in the app directory or a copy. */
  boolean named(String path) {
    return namedDirs().stream().anyMatch(d -> RootFs.under(path, d));
  }

  /**
   * Adds the app directory and the copies, whole. A link among them that points out of what the
   * user named is kept as a link: its target only comes in when the analysis needs it, so a link
   * to a file in a home directory does not carry that file into the image.
   *
   * @return links kept without their targets
   */
  List<String> keepNamed(RootFs root, FileSet files) {
    List<String> outward = new ArrayList<>();
    walk(root, appDir, appDir, true, files, outward, "application directory " + appDir);
    for (String copy : copies) {
      walk(root, copy, copy, false, files, outward, "named by --copy " + copy);
    }
    return outward;
  }

  private void walk(RootFs root, String top, String path, boolean app, FileSet files, List<String> outward, String reason) {
    Path host = root.host(path);
    Requirement r = new Requirement(path, Analyser.APP, reason);
    if (Files.isSymbolicLink(host)) {
      String target = root.resolve(path).map(RootFs.Resolved::path).orElse(null);
      if (target == null || RootFs.under(target, top)) {
        files.add(r);
      } else {
        files.addLinkOnly(r);
        outward.add(path);
      }
      return;
    }
    files.add(r);
    if (!Files.isDirectory(host, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    for (String name : root.list(path)) {
      String child = path + "/" + name;
      if (app && (VCS.contains(name) || (root.isRegularFile(child + "/pyvenv.cfg") && !Files.isSymbolicLink(root.host(child))))) {
        continue;
      }
      walk(root, top, child, app, files, outward, reason);
    }
  }

  /** Top-level Python modules of the app directory ({@code cli.py} gives "cli"): other programs of the app. */
  List<String> appModules(RootFs root) {
    List<String> out = new ArrayList<>();
    for (String name : root.list(appDir)) {
      String stem = name.endsWith(".py") ? name.substring(0, name.length() - 3) : null;
      if (stem != null && stem.matches("[A-Za-z_]\\w*") && root.isRegularFile(appDir + "/" + name)) {
        out.add(stem);
      }
    }
    return out;
  }

  /**
   * The kept set without the machine's private files: every path matching {@link #PRIVATE}, and
   * every path under a home directory that is neither named by the user nor under one of
   * {@code allowed} (the interpreter's directories); each one dropped is told in {@code problems}.
   */
  FileSet guard(FileSet files, Collection<String> allowed, List<String> problems) {
    List<PathMatcher> secret = PRIVATE.stream().map(g -> FileSystems.getDefault().getPathMatcher("glob:" + g)).toList();
    List<String> allow = allowed.stream().map(RootFs::normalize).filter(a -> !a.equals("/")).distinct().toList();
    Set<String> drop = new TreeSet<>();
    for (Map.Entry<String, List<Requirement>> e : files.reasons().entrySet()) {
      String p = e.getKey();
      if (named(p)) {
        continue;
      }
      String why = null;
      if (secret.stream().anyMatch(m -> m.matches(Path.of(p)))) {
        why = "a private file of this machine";
      } else if (homes.stream().anyMatch(h -> RootFs.under(p, h)) && allow.stream().noneMatch(a -> RootFs.under(p, a))) {
        why = "in a home directory, and neither named (--app, --copy) nor part of the interpreter";
      }
      if (why != null) {
        drop.add(p);
        problems.add("not taken from this machine: " + p + " (" + why + "; wanted as: " + e.getValue().get(0).reason() + ")");
      }
    }
    return drop.isEmpty() ? files : files.without(drop);
  }

  /** Problems of what is finally kept: files where engines mount a tmpfs, links out of the app whose target is missing. */
  void check(FileSet kept, List<String> outward, List<String> problems) {
    for (String tmp : SystemPaths.TMPFS) {
      List<String> hidden = kept.paths().stream().filter(p -> p.startsWith(tmp + "/") && !named(p)).toList();
      if (!hidden.isEmpty()) {
        problems.add(hidden.size() + " paths under " + tmp + " are in the image (" + hidden.get(0) + ", ...), but container engines mount a tmpfs "
            + "over " + tmp + " (podman run --read-only does): they are hidden at run time; move them elsewhere on this machine, or --copy them");
      }
    }
    for (String link : outward) {
      RootFs root = kept.root();
      String target = root.resolve(link).map(RootFs.Resolved::path).orElse(null);
      if (target == null || !kept.contains(target)) {
        problems.add(link + " is a link out of what was named, to " + readLink(root.host(link)) + ", which is not in the image");
      }
    }
  }

  private static String readLink(Path link) {
    try {
      return Files.readSymbolicLink(link).toString();
    } catch (java.io.IOException e) {
      return "?";
    }
  }
}

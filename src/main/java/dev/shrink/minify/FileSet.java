package dev.shrink.minify;

import dev.shrink.closure.Requirement;
import dev.shrink.fs.RootFs;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The paths the output image keeps, each with every reason given for it. Adding a path adds what
 * makes it work inside the image: the links in its parent directories and, for a link, the chain
 * to its target.
 */
public final class FileSet {
  private final RootFs root;
  private final Map<String, List<Requirement>> paths = new TreeMap<>();

  public FileSet(RootFs root) {
    this.root = root;
  }

  /** Adds a requirement; returns false when the path does not exist in the image. */
  public boolean add(Requirement r) {
    return add(r, true);
  }

  /**
   * Adds a requirement without the target of a link: the link itself (and the links in its parent
   * directories) only. For a link that points out of what the user named, whose target is kept
   * only when something else needs it.
   */
  public boolean addLinkOnly(Requirement r) {
    return add(r, false);
  }

  private boolean add(Requirement r, boolean followLink) {
    String path = RootFs.normalize(r.path());
    RootFs.Resolved parent = root.resolve(RootFs.parent(path)).orElse(null);
    if (parent == null) {
      return false;
    }
    String name = path.substring(path.lastIndexOf('/') + 1);
    String real = parent.path().equals("/") ? "/" + name : parent.path() + "/" + name;
    if (!Files.exists(root.host(real), LinkOption.NOFOLLOW_LINKS)) {
      return false;
    }
    for (String link : parent.links()) {
      put(new Requirement(link, r.analyser(), "link in the path of " + path, path));
    }
    put(new Requirement(real, r.analyser(), r.reason(), r.from()));
    if (followLink && Files.isSymbolicLink(root.host(real))) {
      root.resolve(real).ifPresent(target -> {
        target.links().stream().filter(l -> !l.equals(real))
            .forEach(l -> put(new Requirement(l, r.analyser(), "link on the way from " + real + " to " + target.path(), real)));
        put(new Requirement(target.path(), r.analyser(), "target of " + real, real));
      });
    }
    return true;
  }

  /**
   * Records a path the output gets from elsewhere than the root (a file shrink writes, bytecode
   * moved beside its source), with its reason; nothing is checked against the root.
   */
  public void addSynthetic(Requirement r) {
    put(new Requirement(RootFs.normalize(r.path()), r.analyser(), r.reason(), r.from()));
  }

  public void addAll(Collection<Requirement> requirements) {
    requirements.forEach(this::add);
  }

  private void put(Requirement r) {
    List<Requirement> reasons = paths.computeIfAbsent(r.path(), k -> new ArrayList<>());
    if (!reasons.contains(r)) {
      reasons.add(r);
    }
  }

  /** A copy without the given paths (and their reasons). */
  public FileSet without(Set<String> drop) {
    FileSet out = new FileSet(root);
    paths.forEach((path, reasons) -> {
      if (!drop.contains(path)) {
        out.paths.put(path, new ArrayList<>(reasons));
      }
    });
    return out;
  }

  public boolean contains(String path) {
    return paths.containsKey(path);
  }

  public Set<String> paths() {
    return paths.keySet();
  }

  /** Paths with their reasons, sorted by path. */
  public Map<String, List<Requirement>> reasons() {
    return new LinkedHashMap<>(paths);
  }

  public RootFs root() {
    return root;
  }
}

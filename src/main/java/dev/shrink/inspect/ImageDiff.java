package dev.shrink.inspect;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The regular files two images differ in: removed (only in the first), added (only in the second),
 * changed (in both, other contents), with counts and bytes in total and per directory.
 */
public record ImageDiff(List<Change> changes, Count removed, Count added, Count changed, Count same) {
  public enum Kind { REMOVED, ADDED, CHANGED }

  /** One path: its size in the first image (0 when added) and in the second (0 when removed). */
  public record Change(Kind kind, String path, long before, long after) {}

  /** A number of files and their bytes (for changed files: the bytes in the second image). */
  public record Count(long files, long bytes) {
    Count plus(long size) {
      return new Count(files + 1, bytes + size);
    }
  }

  /** What one directory (the first {@code depth} components of a path) lost, gained and changed. */
  public record Directory(String path, Count removed, Count added, Count changed) {}

  public static ImageDiff of(FileTree a, FileTree b) {
    List<Change> changes = new ArrayList<>();
    Count removed = new Count(0, 0);
    Count added = new Count(0, 0);
    Count changed = new Count(0, 0);
    Count same = new Count(0, 0);
    for (Map.Entry<String, FileTree.File> e : a.files().entrySet()) {
      FileTree.File other = b.files().get(e.getKey());
      long size = e.getValue().size();
      if (other == null) {
        changes.add(new Change(Kind.REMOVED, e.getKey(), size, 0));
        removed = removed.plus(size);
      } else if (other.size() != size || !Objects.equals(other.sha256(), e.getValue().sha256())) {
        changes.add(new Change(Kind.CHANGED, e.getKey(), size, other.size()));
        changed = changed.plus(other.size());
      } else {
        same = same.plus(size);
      }
    }
    for (Map.Entry<String, FileTree.File> e : b.files().entrySet()) {
      if (!a.files().containsKey(e.getKey())) {
        changes.add(new Change(Kind.ADDED, e.getKey(), 0, e.getValue().size()));
        added = added.plus(e.getValue().size());
      }
    }
    changes.sort((x, y) -> x.path().compareTo(y.path()));
    return new ImageDiff(List.copyOf(changes), removed, added, changed, same);
  }

  /** The changes summed per directory of at most {@code depth} components, largest removal first. */
  public List<Directory> byDirectory(int depth) {
    Map<String, Count[]> dirs = new TreeMap<>();
    for (Change c : changes) {
      Count[] counts = dirs.computeIfAbsent(prefix(c.path(), depth), k -> new Count[] {new Count(0, 0), new Count(0, 0), new Count(0, 0)});
      int i = c.kind().ordinal();
      counts[i] = counts[i].plus(c.kind() == Kind.REMOVED ? c.before() : c.after());
    }
    return dirs.entrySet().stream().map(e -> new Directory(e.getKey(), e.getValue()[0], e.getValue()[1], e.getValue()[2]))
        .sorted((x, y) -> Long.compare(y.removed().bytes() + y.added().bytes(), x.removed().bytes() + x.added().bytes()))
        .toList();
  }

  /** The directory of {@code path} cut to {@code depth} components ("/" for a file at the top). */
  static String prefix(String path, int depth) {
    String[] parts = path.substring(1).split("/");
    int n = Math.min(depth, parts.length - 1);
    return "/" + String.join("/", List.of(parts).subList(0, n));
  }
}

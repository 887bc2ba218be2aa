package dev.shrink.report;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Why a path or a Python distribution is in an output, from its report: the chain of reasons from
 * a root (the command, the app directory, --include, a probe, the essentials, a repair) to it, each
 * hop a reason whose {@code from} names the kept file that asked.
 */
public final class Why {
  private final Report report;
  private final Map<String, Report.KeptFile> byPath = new LinkedHashMap<>();

  public Why(Report report) {
    this.report = report;
    report.files().forEach(f -> byPath.put(f.path(), f));
  }

  /** One hop: a kept path and the reason it was kept for. */
  public record Hop(String path, Report.Reason reason) {}

  /**
   * The path as the report lists it: itself, or the sourceless bytecode a source became ({@code
   * x.py}: {@code x.pyc}), or the source a {@code .pyc} was kept as (no engine compiled it).
   */
  public Optional<String> kept(String path) {
    List<String> candidates = new ArrayList<>(List.of(path));
    if (path.endsWith(".py")) {
      candidates.add(path + "c");
    } else if (path.endsWith(".pyc")) {
      candidates.add(path.substring(0, path.length() - 1));
    }
    return candidates.stream().filter(byPath::containsKey).findFirst();
  }

  /** Why the report says a path it does not keep was left out, if it does. */
  public Optional<String> dropped(String path) {
    return report.dropped().stream().filter(d -> d.path().equals(path)).map(Report.PathReason::reason).findFirst();
  }

  /**
   * The shortest chain from a root to {@code path} (a path the report keeps), root first: each hop
   * the path and the reason it was kept for, the next hop's reason naming the previous path as its
   * {@code from}. When no root is reached (the file that asked is not in the output), the chain
   * starts at the last kept file on the way. Empty for a path the report does not keep.
   */
  public List<Hop> chain(String path) {
    if (!byPath.containsKey(path)) {
      return List.of();
    }
    Map<String, Hop> toward = new HashMap<>(); // a path -> the hop it asked for, one step closer to path
    Deque<String> queue = new ArrayDeque<>(List.of(path));
    toward.put(path, null);
    Hop start = null;
    while (!queue.isEmpty()) {
      String at = queue.poll();
      for (Report.Reason r : byPath.get(at).reasons()) {
        if (r.from() == null) {
          return unwind(new Hop(at, r), toward);
        }
        if (!byPath.containsKey(r.from())) {
          start = start == null ? new Hop(at, r) : start;
        } else if (!toward.containsKey(r.from())) {
          toward.put(r.from(), new Hop(at, r));
          queue.add(r.from());
        }
      }
    }
    return start == null ? List.of() : unwind(start, toward);
  }

  private static List<Hop> unwind(Hop first, Map<String, Hop> toward) {
    List<Hop> chain = new ArrayList<>(List.of(first));
    for (Hop next = toward.get(first.path()); next != null; next = toward.get(next.path())) {
      chain.add(next);
    }
    return chain;
  }

  /**
   * What of a distribution the output keeps, and what brought it in.
   *
   * @param name the distribution's name as the report gives it
   * @param files its kept files
   * @param bytes their size
   * @param entries the reasons of its files that come from outside it: imports (and other hops) by
   *     files of other distributions or none, and roots (probe, --include)
   */
  public record Distribution(String name, List<String> files, long bytes, List<Hop> entries) {}

  /** The kept files of the distribution {@code name} (compared as pip normalizes names), or empty when none is kept. */
  public Optional<Distribution> distribution(String name) {
    String want = normalize(name);
    List<Report.KeptFile> files = report.files().stream().filter(f -> f.distribution() != null && normalize(f.distribution()).equals(want))
        .toList();
    if (files.isEmpty()) {
      return Optional.empty();
    }
    List<Hop> entries = new ArrayList<>();
    for (Report.KeptFile f : files) {
      for (Report.Reason r : f.reasons()) {
        Report.KeptFile asker = r.from() == null ? null : byPath.get(r.from());
        if (asker == null || asker.distribution() == null || !normalize(asker.distribution()).equals(want)) {
          entries.add(new Hop(f.path(), r));
        }
      }
    }
    long bytes = files.stream().mapToLong(f -> f.size() == null ? 0 : f.size()).sum();
    return Optional.of(new Distribution(files.get(0).distribution(), files.stream().map(Report.KeptFile::path).toList(), bytes,
        List.copyOf(entries)));
  }

  /** A distribution name as pip compares names (PEP 503): lowercase, runs of {@code -_.} as one {@code -}. */
  static String normalize(String name) {
    return name.toLowerCase(Locale.ROOT).replaceAll("[-_.]+", "-");
  }
}

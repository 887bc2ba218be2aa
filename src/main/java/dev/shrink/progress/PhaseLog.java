package dev.shrink.progress;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Listens to the phases of one command and shows them on a stream (stderr): on a terminal, a live
 * line for the phase under way (with a bar when its total is known), redrawn five times a second;
 * elsewhere one line per phase when it ends (but for phases of less than 10 ms, and failed ones: the error
 * tells); or nothing. Keeps every ended phase for {@link #table}.
 */
public final class PhaseLog implements Phases.Listener, AutoCloseable {
  private static final long TICK_MS = 200;
  /** Phases shorter than this (a step with nothing to do) get no line of their own; the table has them. */
  private static final long SHOWN_FROM_NANOS = 10_000_000;
  private static final int BAR = 20;
  /** Clears the terminal's line from the cursor on. */
  private static final String CLEAR = "\033[K";

  private final PrintStream out;
  private final boolean lines;
  private final boolean live;
  private final long started = System.nanoTime();
  private final Deque<Phase> open = new ArrayDeque<>();
  private final List<Phase> ended = new ArrayList<>();
  private final ScheduledExecutorService ticker;

  /**
   * Listens from now until {@link #close}. {@code lines}: show the phases at all; {@code live}: as
   * a live line (a terminal), else one line per ended phase.
   */
  public PhaseLog(PrintStream out, boolean lines, boolean live) {
    this.out = out;
    this.lines = lines;
    this.live = lines && live;
    this.ticker = this.live ? Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "shrink-progress");
      t.setDaemon(true);
      return t;
    }) : null;
    if (ticker != null) {
      ticker.scheduleAtFixedRate(this::draw, TICK_MS, TICK_MS, TimeUnit.MILLISECONDS);
    }
    Phases.listen(this);
  }

  /** Whether this process's stderr is a terminal (a console, and file descriptor 2 a tty). */
  public static boolean stderrIsTerminal() {
    if (System.console() == null) {
      return false;
    }
    try {
      String target = Files.readSymbolicLink(Path.of("/proc/self/fd/2")).toString();
      return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty");
    } catch (IOException | UnsupportedOperationException e) {
      return false;
    }
  }

  @Override
  public synchronized void opened(Phase phase) {
    open.push(phase);
  }

  @Override
  public synchronized void closed(Phase phase) {
    open.remove(phase);
    ended.add(phase);
    if (lines && phase.nanos() >= SHOWN_FROM_NANOS && !phase.failed()) {
      out.print((live ? CLEAR : "") + "phase: " + phase.name() + " " + seconds(phase.nanos()) + " s"
          + (phase.bytes() > 0 ? ", " + mb(phase.bytes()) + " MB" : "") + System.lineSeparator());
      out.flush();
    }
  }

  /** The live line of the innermost open phase; the cursor goes back to the line's start, so other output overwrites it. */
  private synchronized void draw() {
    Phase p = open.peek();
    if (p == null) {
      return;
    }
    StringBuilder line = new StringBuilder(CLEAR).append("phase: ").append(p.name()).append(' ');
    if (p.total() > 0) {
      int filled = (int) Math.min(BAR, p.bytes() * BAR / p.total());
      line.append('[').append("#".repeat(filled)).append(".".repeat(BAR - filled)).append("] ")
          .append(mb(p.bytes())).append('/').append(mb(p.total())).append(" MB ");
    } else if (p.bytes() > 0) {
      line.append(mb(p.bytes())).append(" MB ");
    }
    out.print(line.append(seconds(p.nanos())).append(" s\r"));
    out.flush();
  }

  /**
   * The table of phases: wall seconds and MB (10^6 bytes) of each, a phase that ran more than once
   * (a repair's rebuild) summed, in the order they first ran; then the command's whole wall time.
   */
  public synchronized void table(PrintStream to) {
    Map<String, long[]> rows = new LinkedHashMap<>();
    for (Phase p : ended) {
      long[] row = rows.computeIfAbsent(p.name(), k -> new long[2]);
      row[0] += p.nanos();
      row[1] += p.bytes();
    }
    to.printf("%-20s %9s %10s%n", "phase", "wall s", "MB");
    rows.forEach((name, row) -> to.printf("%-20s %9s %10s%n", name, seconds(row[0]), row[1] > 0 ? mb(row[1]) : "-"));
    to.printf("%-20s %9s%n", "total", seconds(System.nanoTime() - started));
  }

  /** Stops listening (and the live line). */
  @Override
  public void close() {
    Phases.listen(null);
    if (ticker != null) {
      ticker.shutdownNow();
      synchronized (this) {
        out.print(CLEAR);
        out.flush();
      }
    }
  }

  private static String seconds(long nanos) {
    return String.format(Locale.ROOT, "%.2f", nanos / 1e9);
  }

  private static String mb(long bytes) {
    return String.format(Locale.ROOT, "%.1f", bytes / 1e6);
  }
}

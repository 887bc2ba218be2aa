package dev.shrink.probe;

import java.io.IOException;
import java.util.List;

/** A run that had to pass its probe did not ({@link Outcome#failure()}): what it traced or answered is no reference. */
public final class ProbeFailedException extends IOException {
  private final transient Outcome outcome;

  /** {@code who} names what ran: "the image", "the program on this machine". */
  public ProbeFailedException(Outcome outcome, String who) {
    super(who + " did not pass the probe " + outcome.probe().label() + ": " + outcome.failure().orElseThrow() + tail(outcome.logs()));
    this.outcome = outcome;
  }

  public Outcome outcome() {
    return outcome;
  }

  /** The last lines of a run's output, to show why it failed. */
  private static String tail(String logs) {
    if (logs == null || logs.isBlank()) {
      return "";
    }
    List<String> lines = logs.strip().lines().toList();
    return "; its output ends:\n  " + String.join("\n  ", lines.subList(Math.max(0, lines.size() - 15), lines.size()));
  }
}

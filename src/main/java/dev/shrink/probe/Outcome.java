package dev.shrink.probe;

import java.util.Optional;

/**
 * What one probe saw.
 *
 * @param probe the probe
 * @param status HTTP status, or the exit code of a command run (-1 when it did not answer or finish)
 * @param body HTTP body, or the command's stdout
 * @param logs the container's stdout and stderr (for HTTP probes, the whole run's)
 * @param error why the probe could not run to the end (no answer in time, ...), or null
 */
public record Outcome(Probe probe, int status, String body, String logs, String error) {
  /** True when {@link #status} is an HTTP status (an HTTP probe, the start-up probe of an image with ports), else an exit code. */
  public boolean http() {
    return probe instanceof Probe.Http || probe instanceof Probe.Startup s && !s.ports().isEmpty();
  }

  /**
   * Why this run did not pass its probe, or empty when it did. Not passed: no answer or no end in
   * time (any {@link #error}); an HTTP probe answered with a server error (5xx; the start-up probe
   * takes any answer); a script that did not exit 0; a command the engine could not start (exit
   * 125-127, the codes engines give for their own error, a program that cannot be run, a program
   * not found). A command's other exit codes are its behaviour, the reference a shrunk image must match.
   */
  public Optional<String> failure() {
    if (error != null) {
      return Optional.of(error);
    }
    if (probe instanceof Probe.Http) {
      return status >= 500 ? Optional.of("answered status " + status) : Optional.empty();
    }
    if (probe instanceof Probe.Script) {
      return status != 0 ? Optional.of("exit code " + status + " (a script passes with 0)") : Optional.empty();
    }
    if (http()) {
      return Optional.empty(); // the start-up probe: any answer
    }
    return status >= 125 && status <= 127 ? Optional.of("exit code " + status + ": the command could not be started") : Optional.empty();
  }
}

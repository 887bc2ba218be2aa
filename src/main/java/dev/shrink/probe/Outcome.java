package dev.shrink.probe;

/**
 * What one probe saw.
 *
 * @param probe the probe
 * @param status HTTP status, or the exit code of a command run (-1 when it did not answer or finish)
 * @param body HTTP body, or the command's stdout
 * @param logs the container's stdout and stderr (for HTTP probes, the whole run's)
 * @param error why the probe could not run to the end (no answer in time, ...), or null
 */
public record Outcome(Probe probe, int status, String body, String logs, String error) {}

package dev.shrink.closure;

/**
 * One path of the source image that the output image needs, and why.
 *
 * @param path absolute image path, as the process inside the image names it
 * @param analyser who asked for it
 * @param reason one line a person can check: the file and line or the NEEDED entry that asked
 */
public record Requirement(String path, Analyser analyser, String reason) {}

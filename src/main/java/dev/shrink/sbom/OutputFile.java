package dev.shrink.sbom;

/** A file or link of the output image: its path, its bytes (0 for a link) and its mode. */
public record OutputFile(String path, long bytes, int mode) {}

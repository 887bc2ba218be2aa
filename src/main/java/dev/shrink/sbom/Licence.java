package dev.shrink.sbom;

/**
 * A licence of a package: an SPDX licence expression ({@code spdx}, a single identifier being the
 * simplest), or a name as the package writes it that maps to none.
 */
public record Licence(String value, boolean spdx) {}

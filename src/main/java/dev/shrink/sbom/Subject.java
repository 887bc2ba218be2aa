package dev.shrink.sbom;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.UUID;

/**
 * What an SBOM describes and who wrote it: the image's name, its manifest digest as written to
 * DEST, the time its layers carry
 * ({@code SOURCE_DATE_EPOCH}), and shrink's version. Everything an SBOM holds derives from these
 * and the image, so the same image gives the same SBOM.
 */
public record Subject(String name, String digest, long epoch, String toolVersion) {
  /** A name-based UUID of the digest: the same image, the same serial number. */
  UUID uuid() {
    return UUID.nameUUIDFromBytes(("shrink sbom " + digest).getBytes(StandardCharsets.UTF_8));
  }

  String timestamp() {
    return Instant.ofEpochSecond(epoch).toString();
  }
}

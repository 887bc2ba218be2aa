package dev.shrink.report;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.annotation.JsonValue;
import dev.shrink.closure.Analyser;
import dev.shrink.closure.Requirement;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The report of a minify or build: what shrink made, from what, with which options, and why each
 * file of the output is there. Written as JSON by {@link ReportJson} only; the field names are a
 * contract (README, "The report").
 *
 * @param shrinkVersion the version of shrink that made the output
 * @param source the image minified, or the machine's root for build
 * @param user the output's run user: config user and name
 * @param digest the manifest digest of the output as written to DEST; null until it is written
 * @param options the options that shaped the output
 * @param probes the probes the source was traced with (labels), empty when none ran
 * @param files every kept path with its reasons, sorted by path
 * @param before the source's sizes (minify), or null (build)
 * @param dropped paths an analyser asked for that a later step left out, with why
 * @param packages the packages the output holds (a package counts when any of its files is kept), or null when not known
 * @param removed the attack surface the output has against the fat image's, and the Debian packages left out; or null
 * @param problems imports not found, files refused: also printed as warnings
 * @param notes what a person should know that is no problem (imports not followed on purpose)
 * @param repair the verification rounds of minify, or null when it did not verify
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"shrinkVersion", "source", "user", "digest", "options", "probes", "files", "before", "after", "dropped", "packages",
    "removed", "problems", "notes", "repair"})
public record Report(String shrinkVersion, String source, String user, String digest, Options options, List<String> probes,
    List<KeptFile> files, Sizes before, After after, List<PathReason> dropped, List<PackageEntry> packages, Removed removed,
    List<String> problems, List<String> notes, List<RepairRound> repair) {

  /** This report with the verification rounds of a self-repair. */
  public Report withRepair(List<RepairRound> rounds) {
    return new Report(shrinkVersion, source, user, digest, options, probes, files, before, after, dropped, packages, removed, problems, notes,
        List.copyOf(rounds));
  }

  /** This report of an output written with manifest {@code digest} (null: not read back), from a source traced with {@code probeLabels}. */
  public Report written(String manifestDigest, List<String> probeLabels) {
    return new Report(shrinkVersion, source, user, manifestDigest, options, List.copyOf(probeLabels), files, before, after, dropped, packages,
        removed, problems, notes, repair);
  }

  /** How many kept files are there only because a traced run used them. */
  public long probeOnly() {
    return files.stream().filter(f -> f.reasons().stream().allMatch(r -> r.analyser() == Analyser.PROBE)).count();
  }

  /**
   * The options that shaped the output ({@code minify} and {@code build} share their meaning;
   * null entrypoint, cmd and user: the image's).
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonPropertyOrder({"command", "entrypoint", "cmd", "user", "include", "exclude", "keepSources", "optimize", "keepColumns", "purePython",
      "compression", "compressionLevel", "strip", "stdlibZip"})
  public record Options(String command, List<String> entrypoint, List<String> cmd, String user, List<String> include, List<String> exclude,
      boolean keepSources, int optimize, boolean keepColumns, boolean purePython, String compression, int compressionLevel, boolean strip,
      boolean stdlibZip) {}

  /** What a kept path is in the output. */
  public enum Type {
    FILE, SYMLINK, DIRECTORY;

    @JsonValue
    public String word() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /**
   * One kept path.
   *
   * @param size bytes, for a file
   * @param strippedFrom the size before {@code --strip}, for a stripped ELF file
   * @param in the zip shrink wrote that holds it (the standard library's), for a zip member
   * @param distribution the installed Python distribution it belongs to, as its metadata directory names it
   * @param reasons every reason given for it
   * @param layer the output layer that holds it (a zip member: its zip's); null for a directory, which every layer repeats
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonPropertyOrder({"path", "type", "layer", "size", "strippedFrom", "in", "distribution", "reasons"})
  public record KeptFile(String path, Type type, Long size, Long strippedFrom, String in, String distribution, List<Reason> reasons,
      String layer) {}

  /**
   * Why a path is kept: the analyser that asked, a line a person can check, and the kept path whose
   * analysis asked ({@link Requirement#from()}; null for a root). Following {@code from} from reason to
   * reason leads to a root; the graph may have cycles (modules that import each other).
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonPropertyOrder({"analyser", "reason", "from"})
  public record Reason(Analyser analyser, String reason, String from) {}

  /** Sizes of an image: its layer blobs as stored, and the regular files in its filesystem. */
  @JsonPropertyOrder({"compressedLayers", "files", "fileBytes"})
  public record Sizes(long compressedLayers, long files, long fileBytes) {}

  /** The output's sizes, its layers' uncompressed total, and each layer. */
  @JsonPropertyOrder({"compressedLayers", "files", "fileBytes", "uncompressedLayers", "layers"})
  public record After(long compressedLayers, long files, long fileBytes, long uncompressedLayers, List<Layer> layers) {
    @JsonIgnore
    public Sizes sizes() {
      return new Sizes(compressedLayers, files, fileBytes);
    }
  }

  /** One layer of the output: its part (runtime, dependencies, app), digest and sizes. */
  @JsonPropertyOrder({"name", "description", "digest", "compressed", "uncompressed", "files"})
  public record Layer(String name, String description, String digest, long compressed, long uncompressed, long files) {}

  /** A path and why: a dropped path, or one a repair added or found missing. */
  @JsonPropertyOrder({"path", "reason"})
  public record PathReason(String path, String reason) {
    public static PathReason of(Requirement r) {
      return new PathReason(r.path(), r.reason());
    }
  }

  /**
   * A package the output holds: a Debian package or a Python distribution, with its files and bytes
   * in the output and in the fat image.
   */
  @JsonPropertyOrder({"type", "name", "version", "licences", "purl", "files", "bytes", "fatFiles", "fatBytes"})
  public record PackageEntry(String type, String name, String version, List<String> licences, String purl, long files, long bytes,
      long fatFiles, long fatBytes) {}

  /**
   * What went: per kind of surface ({@code shells}, {@code packageManagers}, {@code setuidSetgid}),
   * and the Debian packages of the fat image none of whose files is kept.
   */
  @JsonPropertyOrder({"surface", "debianPackages"})
  public record Removed(Map<String, Surface> surface, List<String> debianPackages) {}

  /** One kind of surface: how many paths the fat image had (null when not known) and the output has, and which the output has. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonPropertyOrder({"fat", "output", "kept"})
  public record Surface(Integer fat, int output, List<String> kept) {}

  /**
   * One verification of minify: round 0 is the first build, round N the build after the N-th repair.
   *
   * @param added the paths this round's build got beyond the previous one
   * @param missing what the shrunk image's run said it missed
   * @param lacks in the last round, what the build lacks that the original has (null in the others)
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonPropertyOrder({"round", "added", "verified", "missing", "differences", "lacks"})
  public record RepairRound(int round, List<PathReason> added, boolean verified, List<String> missing, List<String> differences,
      List<PathReason> lacks) {}
}

package dev.shrink.minify;

import dev.shrink.closure.Requirement;
import dev.shrink.image.Descriptor;
import dev.shrink.image.Image;
import dev.shrink.layer.LayerEntry;
import dev.shrink.layer.LayerWriter;
import dev.shrink.python.PythonAnalysis;
import dev.shrink.report.Report;
import dev.shrink.report.ShrinkVersion;
import dev.shrink.sbom.Contents;
import dev.shrink.sbom.Licence;
import dev.shrink.sbom.Package;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Stream;

/** The {@link Report} of what minify chose and wrote. */
final class Reports {
  private Reports() {}

  static Report.Layer layer(String name, String description, LayerWriter.Blob blob, List<LayerEntry> entries) {
    long files = entries.stream().filter(e -> e.type() == LayerEntry.Type.FILE).count();
    return new Report.Layer(name, description, blob.descriptor().digest(), blob.descriptor().size(), blob.uncompressedSize(), files);
  }

  /** The options that shaped the output, as the report tells them. */
  private static Report.Options options(Minifier.Options o) {
    Minifier.Output out = o.output();
    return new Report.Options(o.host() == null ? "minify" : "build", o.command().entrypoint(), o.command().cmd(), o.command().user(),
        o.paths().includes(), o.paths().excludes(), o.bytecode().keepSources(), o.bytecode().target().optimize(),
        o.bytecode().target().columns(), o.bytecode().purePython(), out.compression().name().toLowerCase(Locale.ROOT),
        out.level(), out.strip(), out.zipStdlib());
  }

  /** The output as written: its image, its layers as the report lists them, and the layer of each path that is not a directory. */
  record Output(Image image, List<Report.Layer> layers, Map<String, String> layerOf) {}

  /**
   * The report of a selection and the output written from it. From the selection: the kept files
   * with their reasons; the bytes of a kept path shrink wrote or stripped (not the root's); the
   * members of zips shrink wrote (the standard library's, see {@link StdlibZip}), listed among the
   * files with {@code "in": ZIP} and their size before deflating, not counted in the sizes (the zip
   * is); the paths dropped with why; the problems; the Python analysis' notes (imports it did not
   * follow and why, modules it could not scan) and the distribution of each kept path; the run user.
   *
   * @param packages the packages the output holds and the surface it removed
   */
  static Report of(String source, Report.Sizes before, Selection s, Output out, Contents packages, Minifier.Options options) {
    FileSet kept = s.files;
    Map<String, Path> contents = new HashMap<>(s.written);
    contents.putAll(s.stripped);
    Map<String, String> distributions = s.python == null ? Map.of()
        : PythonAnalysis.distributions(kept.root(), s.python.layout(), kept.paths());
    Map<String, String> layerOf = out.layerOf();
    Map<String, Report.KeptFile> byPath = new TreeMap<>();
    Set<String> paths = new HashSet<>(kept.paths());
    s.archives.values().forEach(members -> paths.addAll(members.keySet()));
    Function<List<Requirement>, List<Report.Reason>> reasons = why -> why.stream()
        .map(r -> new Report.Reason(r.analyser(), r.reason(), asKept(r.from(), paths))).toList();
    long count = 0;
    long bytes = 0;
    for (Map.Entry<String, List<Requirement>> e : kept.reasons().entrySet()) {
      String path = e.getKey();
      Path host = contents.getOrDefault(path, kept.root().host(path));
      Report.Type type = Files.isSymbolicLink(host) ? Report.Type.SYMLINK
          : Files.isDirectory(host, LinkOption.NOFOLLOW_LINKS) ? Report.Type.DIRECTORY : Report.Type.FILE;
      Long size = null;
      Long strippedFrom = null;
      if (type == Report.Type.FILE) {
        size = size(host);
        strippedFrom = s.stripped.containsKey(path) ? size(kept.root().host(path)) : null;
        count++;
        bytes += size;
      }
      byPath.put(path, new Report.KeptFile(path, type, size, strippedFrom, null, distributions.get(path), reasons.apply(e.getValue()), layerOf.get(path)));
    }
    s.archives.forEach((zip, members) -> members.forEach((path, m) ->
        byPath.put(path, new Report.KeptFile(path, Report.Type.FILE, m.size(), null, zip, distributions.get(path), reasons.apply(m.reasons()), layerOf.get(zip)))));
    long compressed = out.image().layers().stream().mapToLong(Descriptor::size).sum();
    Report.After after = new Report.After(compressed, count, bytes, out.layers().stream().mapToLong(Report.Layer::uncompressed).sum(),
        List.copyOf(out.layers()));
    List<Report.PathReason> left = new ArrayList<>();
    s.dropped.forEach((path, why) -> left.add(new Report.PathReason(path, why)));
    List<String> notes = s.python == null ? List.of() : s.python.notes();
    return new Report(ShrinkVersion.get(), source, s.user.configUser() + " (" + s.user.userName() + ")", null, options(options), List.of(),
        List.copyOf(byPath.values()), before, after, List.copyOf(left), packages(packages), removed(packages), List.copyOf(s.problems),
        notes.stream().map(x -> "python: " + x).toList(), null);
  }

  private static List<Report.PackageEntry> packages(Contents c) {
    return c.packages().stream().map(k -> {
      Package p = k.pkg();
      return new Report.PackageEntry(p.type().label(), p.name(), p.version(), p.licences().stream().map(Licence::value).toList(), p.purl(),
          k.files(), k.bytes(), k.fatFiles(), k.fatBytes());
    }).toList();
  }

  private static Report.Removed removed(Contents c) {
    Map<String, Report.Surface> surface = new TreeMap<>();
    c.outputSurface().forEach((kind, paths) -> surface.put(kind, new Report.Surface(
        c.fatSurface() != null && c.fatSurface().containsKey(kind) ? c.fatSurface().get(kind).size() : null, paths.size(), List.copyOf(paths))));
    return new Report.Removed(surface, c.droppedDebs().stream().map(Package::name).distinct().sorted().toList());
  }

  /** The path a {@code from} names as the report lists it: a source kept as sourceless bytecode is its {@code .pyc}. */
  private static String asKept(String from, Set<String> kept) {
    return from != null && !kept.contains(from) && kept.contains(from + "c") ? from + "c" : from;
  }

  private static long size(Path p) {
    try {
      return Files.size(p);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The sizes of an image unpacked into {@code dir}: its layer blobs and the regular files under the directory. */
  static Report.Sizes before(Image source, Path dir) {
    try (Stream<Path> walk = Files.walk(dir)) {
      long[] out = new long[2];
      walk.filter(p -> Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)).forEach(p -> {
        out[0]++;
        out[1] += size(p);
      });
      return new Report.Sizes(source.layers().stream().mapToLong(Descriptor::size).sum(), out[0], out[1]);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}

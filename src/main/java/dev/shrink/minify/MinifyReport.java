package dev.shrink.minify;

import dev.shrink.closure.Requirement;
import dev.shrink.image.Descriptor;
import dev.shrink.image.Image;
import dev.shrink.json.Json;
import dev.shrink.layer.LayerEntry;
import dev.shrink.layer.LayerWriter;
import dev.shrink.sbom.Contents;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/** Why each file of the shrunk image is there, the sizes before and after, and each layer. */
public record MinifyReport(ObjectNode json, Sizes before, Sizes after, List<Layer> layers, List<String> problems, Contents packages) {
  /** Sizes of an image: its layer blobs as stored, and the regular files in its filesystem. */
  public record Sizes(long compressed, long files, long fileBytes) {}

  /** One layer of the output: its part (runtime, dependencies, app), digest and sizes. */
  public record Layer(String name, String description, String digest, long compressed, long uncompressed, long files) {
    static Layer of(String name, String description, LayerWriter.Blob blob, List<LayerEntry> entries) {
      long files = entries.stream().filter(e -> e.type() == LayerEntry.Type.FILE).count();
      return new Layer(name, description, blob.descriptor().digest(), blob.descriptor().size(), blob.uncompressedSize(), files);
    }
  }

  /**
   * @param contents where the bytes of a kept path come from when not from the root (files shrink
   *     wrote, moved bytecode, stripped ELF files)
   * @param archives the members of zips shrink wrote (the standard library's, see {@link StdlibZip}),
   *     by the zip's image path: listed among the files with {@code "in": ZIP} and their size
   *     before deflating, not counted in the sizes (the zip is)
   * @param dropped paths left out as never read, with why
   * @param stripped paths whose ELF symbol tables and debug sections were removed
   * @param notes what a person should know that is no problem: imports the analysis did not follow
   *     and why, modules whose imports it could not scan
   * @param packages the packages kept and the surface removed (the report's {@code packages} and {@code removed})
   */
  static MinifyReport of(String source, Sizes before, Image shrunk, List<Layer> layers, FileSet kept, Map<String, Path> contents,
      Map<String, Map<String, StdlibZip.Member>> archives, Map<String, String> dropped, Set<String> stripped, List<String> problems,
      List<String> notes, Essentials user, Contents packages) {
    ObjectNode json = Json.object();
    json.put("source", source);
    json.put("user", user.configUser() + " (" + user.userName() + ")");
    Map<String, ObjectNode> byPath = new TreeMap<>();
    long count = 0;
    long bytes = 0;
    for (Map.Entry<String, List<Requirement>> e : kept.reasons().entrySet()) {
      String path = e.getKey();
      Path host = contents.getOrDefault(path, kept.root().host(path));
      ObjectNode f = Json.object();
      byPath.put(path, f);
      f.put("path", path);
      String type = Files.isSymbolicLink(host) ? "symlink" : Files.isDirectory(host, LinkOption.NOFOLLOW_LINKS) ? "directory" : "file";
      f.put("type", type);
      if (type.equals("file")) {
        long size = size(host);
        f.put("size", size);
        if (stripped.contains(path)) {
          f.put("strippedFrom", size(kept.root().host(path)));
        }
        count++;
        bytes += size;
      }
      reasons(f, e.getValue());
    }
    archives.forEach((zip, members) -> members.forEach((path, m) -> {
      ObjectNode f = Json.object().put("path", path).put("type", "file").put("size", m.size()).put("in", zip);
      reasons(f, m.reasons());
      byPath.put(path, f);
    }));
    json.putArray("files").addAll(byPath.values());
    Sizes after = new Sizes(shrunk.layers().stream().mapToLong(Descriptor::size).sum(), count, bytes);
    if (before != null) {
      json.set("before", sizes(before));
    }
    ObjectNode a = sizes(after);
    a.put("uncompressedLayers", layers.stream().mapToLong(Layer::uncompressed).sum());
    ArrayNode l = a.putArray("layers");
    layers.forEach(x -> l.addObject().put("name", x.name()).put("description", x.description()).put("digest", x.digest())
        .put("compressed", x.compressed()).put("uncompressed", x.uncompressed()).put("files", x.files()));
    json.set("after", a);
    ArrayNode d = json.putArray("dropped");
    dropped.forEach((path, why) -> d.addObject().put("path", path).put("reason", why));
    ArrayNode p = json.putArray("problems");
    problems.forEach(p::add);
    ArrayNode n = json.putArray("notes");
    notes.forEach(x -> n.add("python: " + x));
    json.set("packages", packages.packagesJson());
    json.set("removed", packages.removedJson());
    return new MinifyReport(json, before, after, List.copyOf(layers), List.copyOf(problems), packages);
  }

  private static void reasons(ObjectNode file, List<Requirement> why) {
    ArrayNode reasons = file.putArray("reasons");
    why.forEach(r -> reasons.addObject().put("analyser", r.analyser()).put("reason", r.reason()));
  }

  private static ObjectNode sizes(Sizes s) {
    ObjectNode n = Json.object();
    n.put("compressedLayers", s.compressed());
    n.put("files", s.files());
    n.put("fileBytes", s.fileBytes());
    return n;
  }

  private static long size(Path p) {
    try {
      return Files.size(p);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Regular files under a directory: count and bytes. */
  static long[] countFiles(Path dir) {
    try (Stream<Path> walk = Files.walk(dir)) {
      long[] out = new long[2];
      walk.filter(p -> Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)).forEach(p -> {
        out[0]++;
        out[1] += size(p);
      });
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}

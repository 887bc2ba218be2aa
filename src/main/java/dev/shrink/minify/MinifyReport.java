package dev.shrink.minify;

import dev.shrink.closure.Requirement;
import dev.shrink.image.Descriptor;
import dev.shrink.image.Image;
import dev.shrink.image.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/** Why each file of the shrunk image is there, and the sizes before and after. */
public record MinifyReport(ObjectNode json, Sizes before, Sizes after, List<String> problems) {
  /** Sizes of an image: its layer blobs as stored, and the regular files in its filesystem. */
  public record Sizes(long compressed, long files, long fileBytes) {}

  static MinifyReport of(String source, Sizes before, Image shrunk, long uncompressedLayers, FileSet kept, Map<String, Path> extra,
      List<String> problems, Essentials user) {
    ObjectNode json = Json.object();
    json.put("source", source);
    json.put("user", user.configUser() + " (" + user.userName() + ")");
    ArrayNode files = json.putArray("files");
    long count = 0;
    long bytes = 0;
    for (Map.Entry<String, List<Requirement>> e : kept.reasons().entrySet()) {
      String path = e.getKey();
      Path host = extra.getOrDefault(path, kept.root().host(path));
      ObjectNode f = files.addObject();
      f.put("path", path);
      String type = Files.isSymbolicLink(host) ? "symlink" : Files.isDirectory(host, LinkOption.NOFOLLOW_LINKS) ? "directory" : "file";
      f.put("type", type);
      if (type.equals("file")) {
        long size = size(host);
        f.put("size", size);
        count++;
        bytes += size;
      }
      ArrayNode reasons = f.putArray("reasons");
      e.getValue().forEach(r -> reasons.addObject().put("analyser", r.analyser()).put("reason", r.reason()));
    }
    Sizes after = new Sizes(shrunk.layers().stream().mapToLong(Descriptor::size).sum(), count, bytes);
    if (before != null) {
      json.set("before", sizes(before));
    }
    ObjectNode a = sizes(after);
    a.put("uncompressedLayers", uncompressedLayers);
    json.set("after", a);
    ArrayNode p = json.putArray("problems");
    problems.forEach(p::add);
    return new MinifyReport(json, before, after, List.copyOf(problems));
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

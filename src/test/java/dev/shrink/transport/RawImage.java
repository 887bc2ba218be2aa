package dev.shrink.transport;

import dev.shrink.image.Digest;
import dev.shrink.image.MediaTypes;
import dev.shrink.json.Json;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Images written byte by byte in tests, so that a test can make them wrong in exactly one way:
 * each layer carries the size its descriptor declares and the diff_id its config declares, and
 * {@link #writeOci} and {@link #writeDockerArchive} write what they are given, wrong or not.
 */
public final class RawImage {
  /** A layer blob and what the manifest and config will say about it. */
  public record Layer(String mediaType, byte[] blob, long declaredSize, String diffId) {
    Layer withBlob(byte[] other) {
      return new Layer(mediaType, other, other.length, diffId);
    }

    Layer withDeclaredSize(long size) {
      return new Layer(mediaType, blob, size, diffId);
    }

    Layer withDiffId(String id) {
      return new Layer(mediaType, blob, declaredSize, id);
    }
  }

  private RawImage() {}

  /** A tar of files (name -> content) and directories (names ending in "/"). */
  public static byte[] tar(Map<String, String> entries) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (TarArchiveOutputStream tar = new TarArchiveOutputStream(bytes)) {
      tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
      for (Map.Entry<String, String> e : entries.entrySet()) {
        boolean dir = e.getKey().endsWith("/");
        TarArchiveEntry entry = new TarArchiveEntry(e.getKey(), dir ? TarConstants.LF_DIR : TarConstants.LF_NORMAL, true);
        byte[] data = e.getValue().getBytes(StandardCharsets.UTF_8);
        entry.setMode(dir ? 040755 : 0100644);
        entry.setSize(dir ? 0 : data.length);
        tar.putArchiveEntry(entry);
        if (!dir) {
          tar.write(data);
        }
        tar.closeArchiveEntry();
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  public static byte[] gzip(byte[] data) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (OutputStream gz = new GZIPOutputStream(out)) {
      gz.write(data);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }

  static Layer gzipLayer(byte[] tar) {
    byte[] blob = gzip(tar);
    return new Layer(MediaTypes.OCI_LAYER_GZIP, blob, blob.length, Digest.of(tar));
  }

  static Layer tarLayer(byte[] tar) {
    return new Layer(MediaTypes.OCI_LAYER, tar, tar.length, Digest.of(tar));
  }

  public static Layer gzipLayer(Map<String, String> files) {
    return gzipLayer(tar(files));
  }

  static byte[] config(List<Layer> layers) {
    ObjectNode c = Json.object();
    c.put("architecture", "amd64");
    c.put("os", "linux");
    c.putObject("config").putArray("Cmd").add("/bin/true");
    ObjectNode rootfs = c.putObject("rootfs");
    rootfs.put("type", "layers");
    ArrayNode ids = rootfs.putArray("diff_ids");
    layers.forEach(l -> ids.add(l.diffId()));
    return Json.bytes(c);
  }

  static byte[] manifest(byte[] config, List<Layer> layers) {
    ObjectNode m = Json.object();
    m.put("schemaVersion", 2);
    m.put("mediaType", MediaTypes.OCI_MANIFEST);
    m.set("config", descriptor(MediaTypes.OCI_CONFIG, Digest.of(config), config.length));
    ArrayNode array = m.putArray("layers");
    layers.forEach(l -> array.add(descriptor(l.mediaType(), Digest.of(l.blob()), l.declaredSize())));
    return Json.bytes(m);
  }

  static ObjectNode descriptor(String type, String digest, long size) {
    ObjectNode d = Json.object();
    d.put("mediaType", type);
    d.put("digest", digest);
    d.put("size", size);
    return d;
  }

  /** An OCI layout holding one image tagged {@code tag}; returns the manifest's bytes. */
  public static byte[] writeOci(Path dir, String tag, List<Layer> layers) throws IOException {
    byte[] config = config(layers);
    byte[] manifest = manifest(config, layers);
    for (Layer l : layers) {
      blob(dir, l.blob());
    }
    blob(dir, config);
    blob(dir, manifest);
    ObjectNode entry = descriptor(MediaTypes.OCI_MANIFEST, Digest.of(manifest), manifest.length);
    entry.putObject("annotations").put("org.opencontainers.image.ref.name", tag);
    writeIndex(dir, entry);
    return manifest;
  }

  static void writeIndex(Path dir, ObjectNode... entries) throws IOException {
    ObjectNode index = Json.object();
    index.put("schemaVersion", 2);
    index.put("mediaType", MediaTypes.OCI_INDEX);
    ArrayNode array = index.putArray("manifests");
    for (ObjectNode e : entries) {
      array.add(e);
    }
    Files.writeString(dir.resolve("oci-layout"), "{\"imageLayoutVersion\":\"1.0.0\"}");
    Files.write(dir.resolve("index.json"), Json.bytes(index));
  }

  static Path blob(Path dir, byte[] bytes) throws IOException {
    Path p = dir.resolve("blobs/sha256/" + Digest.hex(Digest.of(bytes)));
    Files.createDirectories(p.getParent());
    Files.write(p, bytes);
    return p;
  }

  static Path blobPath(Path dir, byte[] bytes) {
    return dir.resolve("blobs/sha256/" + Digest.hex(Digest.of(bytes)));
  }

  /**
   * A docker-archive tar: {@code files} (name -> bytes) as they are, and a manifest.json given
   * as text, so a test can make it malformed.
   */
  static void writeDockerArchive(Path file, String manifestJson, Map<String, byte[]> files) throws IOException {
    Map<String, byte[]> all = new LinkedHashMap<>(files);
    all.put("manifest.json", manifestJson.getBytes(StandardCharsets.UTF_8));
    try (TarArchiveOutputStream tar = new TarArchiveOutputStream(Files.newOutputStream(file))) {
      for (Map.Entry<String, byte[]> e : all.entrySet()) {
        TarArchiveEntry entry = new TarArchiveEntry(e.getKey(), TarConstants.LF_NORMAL, true);
        entry.setMode(0100644);
        entry.setSize(e.getValue().length);
        tar.putArchiveEntry(entry);
        tar.write(e.getValue());
        tar.closeArchiveEntry();
      }
    }
  }

  /** A well-formed docker-archive of {@code layers}, tagged {@code tag}. */
  static void writeDockerArchive(Path file, String tag, List<Layer> layers) throws IOException {
    byte[] config = config(layers);
    Map<String, byte[]> files = new LinkedHashMap<>();
    String configName = Digest.hex(Digest.of(config)) + ".json";
    files.put(configName, config);
    List<String> names = new ArrayList<>();
    for (int i = 0; i < layers.size(); i++) {
      names.add("layer" + i + ".tar");
      files.put("layer" + i + ".tar", layers.get(i).blob());
    }
    ObjectNode entry = Json.object();
    entry.put("Config", configName);
    entry.putArray("RepoTags").add(tag);
    ArrayNode array = entry.putArray("Layers");
    names.forEach(array::add);
    writeDockerArchive(file, "[" + new String(Json.bytes(entry), StandardCharsets.UTF_8) + "]", files);
  }
}

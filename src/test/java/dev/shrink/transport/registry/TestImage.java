package dev.shrink.transport.registry;

import dev.shrink.image.Descriptor;
import dev.shrink.image.Digest;
import dev.shrink.image.Image;
import dev.shrink.image.Manifest;
import dev.shrink.image.MediaTypes;
import dev.shrink.json.Json;
import dev.shrink.layer.Compression;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import tools.jackson.databind.node.ObjectNode;

/** Small images built in memory for registry tests: gzip tar layers, a config, an OCI manifest. */
final class TestImage {
  final Map<String, byte[]> blobs = new LinkedHashMap<>();
  final List<Descriptor> layers = new ArrayList<>();
  final List<byte[]> diffIds = new ArrayList<>();
  byte[] config;
  Manifest manifest;

  /** Two layers with a few files each; {@code arch} goes into the config (so images for two platforms differ). */
  static TestImage twoLayers(String arch, String salt) throws IOException {
    TestImage t = new TestImage();
    t.layer(Map.of("etc/hello.txt", "hello " + salt + "\n", "app/main.py", "print('hi')\n"));
    t.layer(Map.of("app/data.bin", "x".repeat(5000) + salt));
    t.finish(arch);
    return t;
  }

  void layer(Map<String, String> files) throws IOException {
    ByteArrayOutputStream tar = new ByteArrayOutputStream();
    try (TarArchiveOutputStream out = new TarArchiveOutputStream(tar)) {
      out.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
      for (Map.Entry<String, String> f : new java.util.TreeMap<>(files).entrySet()) {
        byte[] data = f.getValue().getBytes(StandardCharsets.UTF_8);
        TarArchiveEntry e = new TarArchiveEntry(f.getKey());
        e.setSize(data.length);
        e.setMode(0644);
        e.setModTime(0);
        out.putArchiveEntry(e);
        out.write(data);
        out.closeArchiveEntry();
      }
    }
    ByteArrayOutputStream gz = new ByteArrayOutputStream();
    try (OutputStream out = Compression.GZIP.compress(gz, Compression.FAST_GZIP)) {
      out.write(tar.toByteArray());
    }
    byte[] blob = gz.toByteArray();
    Descriptor d = new Descriptor(MediaTypes.OCI_LAYER_GZIP, Digest.of(blob), blob.length);
    blobs.put(d.digest(), blob);
    layers.add(d);
    diffIds.add(tar.toByteArray());
  }

  void finish(String arch) {
    ObjectNode c = Json.object();
    c.put("architecture", arch);
    c.put("os", "linux");
    c.putObject("config").putArray("Cmd").add("/app/main.py");
    ObjectNode rootfs = c.putObject("rootfs");
    rootfs.put("type", "layers");
    var ids = rootfs.putArray("diff_ids");
    diffIds.forEach(d -> ids.add(Digest.of(d)));
    config = Json.bytes(c);
    Descriptor cd = new Descriptor(MediaTypes.OCI_CONFIG, Digest.of(config), config.length);
    blobs.put(cd.digest(), config);
    manifest = new Manifest(MediaTypes.OCI_MANIFEST, cd, layers, Map.of());
  }

  byte[] manifestBytes() {
    return manifest.toJson();
  }

  Image image(String name) {
    return Image.of(name, manifest, null, config, d -> {
      byte[] b = blobs.get(d.digest());
      if (b == null) {
        throw new IOException(name + " has no blob " + d.digest());
      }
      return new ByteArrayInputStream(b);
    }, null);
  }
}

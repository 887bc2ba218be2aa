package dev.shrink.transport.archive;

import dev.shrink.image.Descriptor;
import dev.shrink.image.Digest;
import dev.shrink.image.Image;
import dev.shrink.image.ImageConfig;
import dev.shrink.image.ImageException;
import dev.shrink.image.ImageJson;
import dev.shrink.image.Index;
import dev.shrink.image.Manifest;
import dev.shrink.image.ManifestFormat;
import dev.shrink.image.MediaTypes;
import dev.shrink.image.Platform;
import dev.shrink.json.Json;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/** The OCI image layout (oci-layout, index.json, blobs/sha256/...), over a directory or a tar. */
final class OciLayout {
  static final String REF_NAME = "org.opencontainers.image.ref.name";

  private OciLayout() {}

  static String blobPath(String digest) {
    return "blobs/sha256/" + Digest.hex(digest);
  }

  /** Reads the image tagged {@code tag} (or the only one when tag is null); owns {@code tree}. */
  static Image read(Tree tree, String tag, Platform platform, String name) throws IOException {
    try {
      if (!tree.exists("index.json")) {
        throw new ImageException(name + " is not an OCI layout: it has no index.json");
      }
      Index index = Index.parse(tree.read("index.json", ImageConfig.MAX_BYTES, name + " index.json"), name + " index.json");
      Descriptor top = pick(index.manifests(), tag, name);
      byte[] raw = blob(tree, top, Manifest.MAX_BYTES, name);
      for (int depth = 0; MediaTypes.isIndex(top.mediaType()) || Index.isIndex(raw, name + " manifest " + top.digest()); depth++) {
        if (depth == Index.MAX_DEPTH) {
          throw new ImageException(name + ": indexes nest deeper than " + Index.MAX_DEPTH + " levels at " + top.digest());
        }
        top = Index.parse(raw, name + " index " + top.digest()).select(platform, name + " index " + top.digest());
        raw = blob(tree, top, Manifest.MAX_BYTES, name);
      }
      Manifest manifest = Manifest.parse(raw, name + " manifest " + top.digest());
      byte[] config = blob(tree, manifest.config(), ImageConfig.MAX_BYTES, name);
      return Image.of(name, manifest, raw, config, d -> tree.open(existing(tree, d, name)), tree);
    } catch (IOException | RuntimeException e) {
      tree.close();
      throw e;
    }
  }

  private static Descriptor pick(List<Descriptor> manifests, String tag, String name) {
    if (tag != null) {
      return manifests.stream().filter(d -> tag.equals(d.annotations().get(REF_NAME))).findFirst()
          .orElseThrow(() -> new ImageException(name + " has no image tagged '" + tag + "' (tags: " + tags(manifests) + ")"));
    }
    if (manifests.size() != 1) {
      throw new ImageException(name + " holds " + manifests.size() + " images; name one with :TAG (tags: " + tags(manifests) + ")");
    }
    return manifests.get(0);
  }

  private static List<String> tags(List<Descriptor> manifests) {
    return manifests.stream().map(d -> d.annotations().getOrDefault(REF_NAME, d.digest())).toList();
  }

  /** The path of a blob the layout must hold. */
  private static String existing(Tree tree, Descriptor d, String name) {
    String path = blobPath(d.digest());
    if (!tree.exists(path)) {
      throw new ImageException(name + " lacks blob " + d.digest() + " (" + path + ")");
    }
    return path;
  }

  /** A small blob (a manifest, index or config) read whole and checked against its descriptor. */
  private static byte[] blob(Tree tree, Descriptor d, int max, String name) throws IOException {
    if (d.size() > max) {
      throw new ImageException(name + ": blob " + d.digest() + " is " + d.size() + " bytes, more than the "
          + (max >> 20) + " MiB a manifest, index or config may have");
    }
    byte[] bytes = tree.read(existing(tree, d, name), max, name + " blob " + d.digest());
    String actual = Digest.of(bytes);
    if (!actual.equals(d.digest())) {
      throw new ImageException(name + ": blob " + d.digest() + " does not match its digest: its content is " + actual);
    }
    if (d.size() >= 0 && d.size() != bytes.length) {
      throw new ImageException(name + ": blob " + d.digest() + " has " + bytes.length + " bytes, not the " + d.size() + " its descriptor names");
    }
    return bytes;
  }

  /**
   * Writes blobs, the manifest and an index.json holding {@code others} plus this image under
   * {@code tag}; returns the manifest's descriptor.
   */
  static Descriptor write(TreeWriter out, Image image, ManifestFormat format, String tag, List<Descriptor> others) throws IOException {
    Manifest manifest = image.manifest().convert(format);
    for (Descriptor layer : image.layers()) {
      String path = blobPath(layer.digest());
      if (!out.has(path)) {
        try (InputStream in = image.open(layer)) {
          out.put(path, layer.size(), in);
        }
      }
    }
    out.put(blobPath(manifest.config().digest()), image.configBytes());
    byte[] manifestBytes = image.manifestBytes(format);
    String digest = Digest.of(manifestBytes);
    out.put(blobPath(digest), manifestBytes);
    Descriptor entry = new Descriptor(manifest.mediaType(), digest, manifestBytes.length,
        tag == null ? Map.of() : Map.of(REF_NAME, tag), null);
    List<Descriptor> all = new ArrayList<>();
    for (Descriptor d : others) {
      if (tag == null || !tag.equals(d.annotations().get(REF_NAME))) {
        all.add(d);
      }
    }
    all.add(entry);
    out.put("oci-layout", "{\"imageLayoutVersion\":\"1.0.0\"}".getBytes(java.nio.charset.StandardCharsets.UTF_8));
    out.put("index.json", index(all));
    return entry;
  }

  private static byte[] index(List<Descriptor> manifests) {
    ObjectNode node = Json.object();
    node.put("schemaVersion", 2);
    node.put("mediaType", MediaTypes.OCI_INDEX);
    ArrayNode array = node.putArray("manifests");
    manifests.forEach(d -> array.add(ImageJson.descriptor(d)));
    return Json.bytes(node);
  }
}

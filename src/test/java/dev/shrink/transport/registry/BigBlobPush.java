package dev.shrink.transport.registry;

import dev.shrink.image.Descriptor;
import dev.shrink.image.Digest;
import dev.shrink.image.Image;
import dev.shrink.image.Manifest;
import dev.shrink.image.MediaTypes;
import dev.shrink.json.Json;
import dev.shrink.transport.TransportOptions;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.node.ObjectNode;

/**
 * Run in a child JVM with a small heap: pushes an image whose one layer is {@code SIZE} bytes
 * generated on the fly, so the push passes only if the blob is streamed. Prints the layer digest.
 */
public final class BigBlobPush {
  private BigBlobPush() {}

  /** Bytes from a xorshift generator: not compressible, the same for the same length. */
  static final class Noise extends InputStream {
    private long left;
    private long state = 0x9E3779B97F4A7C15L;

    Noise(long size) {
      left = size;
    }

    @Override
    public int read() {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) {
      if (left <= 0) {
        return -1;
      }
      int n = (int) Math.min(len, left);
      for (int i = 0; i < n; i++) {
        state ^= state << 13;
        state ^= state >>> 7;
        state ^= state << 17;
        b[off + i] = (byte) state;
      }
      left -= n;
      return n;
    }
  }

  public static void main(String[] args) throws IOException {
    String spec = args[0];
    long size = Long.parseLong(args[1]);
    String digest;
    try (InputStream in = new Noise(size)) {
      digest = Digest.of(in);
    }
    Descriptor layer = new Descriptor(MediaTypes.OCI_LAYER_GZIP, digest, size);
    ObjectNode c = Json.object();
    c.put("architecture", "amd64");
    c.put("os", "linux");
    c.putObject("rootfs").put("type", "layers").putArray("diff_ids").add(digest);
    byte[] config = Json.bytes(c);
    Manifest m = new Manifest(MediaTypes.OCI_MANIFEST, new Descriptor(MediaTypes.OCI_CONFIG, Digest.of(config), config.length), List.of(layer), Map.of());
    Image image = Image.of("big", m, null, config, d -> new Noise(size), null);
    new RegistryTransport().write(image, spec, TransportOptions.builder().tlsVerify(false).tempDir(Path.of(args[2])).build());
    System.out.println(digest);
  }
}

package dev.shrink.transport;

import dev.shrink.image.Image;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.ServiceLoader;

/** {@code TRANSPORT:SPEC}, e.g. {@code oci:out:latest} or {@code docker://127.0.0.1:5000/app:1}. */
public record ImageReference(Transport transport, String spec) {
  private static final Map<String, Transport> TRANSPORTS = load();

  private static Map<String, Transport> load() {
    Map<String, Transport> map = new LinkedHashMap<>();
    for (Transport t : ServiceLoader.load(Transport.class)) {
      map.put(t.name(), t);
    }
    return map;
  }

  /** Parses a reference; the error lists the transports there are. */
  public static ImageReference parse(String text) {
    int colon = text.indexOf(':');
    if (colon > 0) {
      Transport t = TRANSPORTS.get(text.substring(0, colon));
      if (t != null) {
        String spec = text.substring(colon + 1);
        if (t.name().equals("docker")) {
          if (!spec.startsWith("//")) {
            throw new IllegalArgumentException("'" + text + "': a registry reference is docker://HOST/REPO:TAG");
          }
          spec = spec.substring(2);
        }
        if (spec.isEmpty()) {
          throw new IllegalArgumentException("'" + text + "' names no image after '" + t.name() + ":'");
        }
        return new ImageReference(t, spec);
      }
    }
    throw new IllegalArgumentException("'" + text + "' is not an image reference; use one of "
        + String.join(", ", TRANSPORTS.keySet().stream().map(n -> n.equals("docker") ? "docker://" : n + ":").toList()));
  }

  public Image read(TransportOptions options) throws IOException {
    return transport.read(spec, options);
  }

  /** Writes the image here; a file system error names this reference as well as the file and the cause. */
  public void write(Image image, TransportOptions options) throws IOException {
    try {
      transport.write(image, spec, options);
    } catch (java.nio.file.FileSystemException e) {
      throw new IOException("cannot write " + this, e);
    }
  }

  @Override
  public String toString() {
    return transport.name() + (transport.name().equals("docker") ? "://" : ":") + spec;
  }
}

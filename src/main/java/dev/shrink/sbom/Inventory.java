package dev.shrink.sbom;

import dev.shrink.fs.RootFs;
import dev.shrink.python.Distributions;
import dev.shrink.python.PythonLayout;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What a root filesystem holds, package by package: its Debian packages (see {@link Dpkg}) with
 * the licences of their machine-readable copyright files, and the Python distributions on an
 * interpreter's sys.path (see {@link Distributions}) with the licences of their metadata.
 */
public final class Inventory {
  private final List<Package> packages;
  private final Map<String, List<Package>> byFile = new HashMap<>();
  private final Map<Package, Long> fatBytes = new java.util.IdentityHashMap<>();

  private Inventory(RootFs root, List<Package> packages) {
    this.packages = List.copyOf(packages);
    for (Package p : packages) {
      long bytes = 0;
      for (String f : p.files()) {
        byFile.computeIfAbsent(f, k -> new ArrayList<>()).add(p);
        Path host = root.host(f);
        try {
          bytes += Files.isRegularFile(host, LinkOption.NOFOLLOW_LINKS) ? Files.size(host) : 0;
        } catch (IOException e) {
          // a file listed but unreadable weighs nothing here
        }
      }
      fatBytes.put(p, bytes);
    }
  }

  private Inventory(Inventory a, Inventory b) {
    List<Package> all = new ArrayList<>(a.packages);
    all.addAll(b.packages);
    this.packages = List.copyOf(all);
    for (Inventory i : List.of(a, b)) {
      i.byFile.forEach((f, owners) -> byFile.computeIfAbsent(f, k -> new ArrayList<>()).addAll(owners));
      fatBytes.putAll(i.fatBytes);
    }
  }

  /** The packages of {@code root}; Python distributions only when {@code python} (the interpreter's layout) is given. */
  public static Inventory read(RootFs root, PythonLayout python) throws IOException {
    Inventory debs = debs(root);
    return python == null ? debs : debs.withPython(root, python);
  }

  /** The Debian packages of {@code root}. */
  public static Inventory debs(RootFs root) throws IOException {
    Licences licences = Licences.load();
    List<Package> packages = new ArrayList<>();
    for (Dpkg.Deb d : Dpkg.read(root)) {
      packages.add(new Package(Package.Type.DEB, d.name(), d.version(), d.architecture(), d.source(), debLicences(root, d.name(), licences),
          d.stanza(), d.files()));
    }
    return new Inventory(root, packages);
  }

  /** These packages and the Python distributions on the sys.path of {@code python}, an interpreter of {@code root}. */
  public Inventory withPython(RootFs root, PythonLayout python) {
    Licences licences = Licences.load();
    List<Package> packages = new ArrayList<>();
    for (Distributions.Distribution d : Distributions.installed(root, python)) {
      packages.add(new Package(Package.Type.PYPI, d.name(), d.version(), null, d.name(), licences.python(d.metadata()), null, d.files()));
    }
    return new Inventory(this, new Inventory(root, packages));
  }

  private static List<Licence> debLicences(RootFs root, String name, Licences licences) throws IOException {
    String copyright = "/usr/share/doc/" + name + "/copyright";
    return root.isRegularFile(copyright) ? licences.dep5(new String(root.read(copyright), StandardCharsets.UTF_8)) : List.of();
  }

  public List<Package> packages() {
    return packages;
  }

  /** The packages that list {@code path} among their files. */
  List<Package> owners(String path) {
    return byFile.getOrDefault(path, List.of());
  }

  /** The bytes of a package's regular files in the root it was read from. */
  long fatBytes(Package p) {
    return fatBytes.getOrDefault(p, 0L);
  }

  /**
   * The packages an output path comes from: the path's own, or for sourceless bytecode shrink
   * wrote ({@code mod.pyc} beside the source, or {@code __pycache__/mod.TAG.pyc}) its source's.
   */
  List<Package> origin(String path) {
    List<Package> own = owners(path);
    if (!own.isEmpty() || !path.endsWith(".pyc")) {
      return own;
    }
    String dir = RootFs.parent(path);
    String file = path.substring(dir.length() + 1);
    if (dir.endsWith("/__pycache__")) {
      return owners(RootFs.parent(dir) + "/" + file.substring(0, file.indexOf('.')) + ".py");
    }
    return owners(path.substring(0, path.length() - 1));
  }
}

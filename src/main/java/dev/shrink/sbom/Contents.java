package dev.shrink.sbom;

import dev.shrink.fs.RootFs;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * What the output holds, package by package, against the fat image: the packages kept (a package
 * counts when any of its files was kept), each with files and bytes kept and in the fat image; the
 * Debian packages dropped; and the attack surface removed (see {@link Surface}).
 *
 * @param fatSurface the surface of the fat image by kind, or null when there is no fat image
 *     (shrink build reads this machine); without setuid/setgid files, which an unpacked image
 *     does not tell (shrink unpacks without those bits, so no minified image has any)
 */
public record Contents(List<Kept> packages, List<Package> droppedDebs, Map<String, TreeSet<String>> fatSurface,
    Map<String, TreeSet<String>> outputSurface) {
  /** A package kept: files and bytes in the output, files and bytes in the fat image. */
  public record Kept(Package pkg, long files, long bytes, long fatFiles, long fatBytes) {}

  /**
   * @param fat the fat image's root, for its surface; null when there is none
   */
  public static Contents of(Inventory inventory, List<OutputFile> output, RootFs fat) {
    Map<Package, long[]> kept = new IdentityHashMap<>();
    Map<String, Integer> modes = new LinkedHashMap<>();
    for (OutputFile f : output) {
      modes.put(f.path(), f.mode());
      for (Package p : inventory.origin(f.path())) {
        long[] n = kept.computeIfAbsent(p, k -> new long[2]);
        n[0]++;
        n[1] += f.bytes();
      }
    }
    List<Kept> packages = new ArrayList<>();
    List<Package> dropped = new ArrayList<>();
    for (Package p : inventory.packages()) {
      long[] n = kept.get(p);
      if (n != null) {
        packages.add(new Kept(p, n[0], n[1], p.files().size(), inventory.fatBytes(p)));
      } else if (p.type() == Package.Type.DEB) {
        dropped.add(p);
      }
    }
    packages.sort(Comparator.comparing((Kept k) -> k.pkg().type()).thenComparing(k -> k.pkg().key()));
    dropped.sort(Comparator.comparing(Package::key));
    Surface surface = Surface.load();
    return new Contents(List.copyOf(packages), List.copyOf(dropped), fat == null ? null : surface.find(Surface.modes(fat), false),
        surface.find(modes, true));
  }
}

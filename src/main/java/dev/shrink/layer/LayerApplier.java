package dev.shrink.layer;

import dev.shrink.fs.RootFs;
import dev.shrink.image.Descriptor;
import dev.shrink.image.Image;
import dev.shrink.image.ImageException;
import dev.shrink.progress.Phase;
import dev.shrink.progress.Phases;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * Applies image layers in order to a directory, as an engine would, but safely: nothing is ever
 * written outside the directory. Entries with ".." are refused, absolute paths and symbolic links
 * in parent directories resolve inside the root, the last component is never followed, hard links
 * must point at a regular file inside the root, and device nodes and FIFOs are skipped.
 */
public final class LayerApplier {
  private static final String WHITEOUT = ".wh.";
  private static final String OPAQUE = ".wh..wh..opq";

  private final RootFs root;
  private final byte[] buffer = new byte[1 << 16];
  private long skippedSpecial;

  public LayerApplier(Path dir) throws IOException {
    Files.createDirectories(dir);
    this.root = new RootFs(dir);
  }

  /** Unpacks every layer of an image into the directory, each checked to its last byte ({@link LayerReader}). */
  public static RootFs unpack(Image image, Path dir) throws IOException {
    LayerApplier applier = new LayerApplier(dir);
    try (Phase phase = Phases.open("unpack", image.layers().stream().mapToLong(Descriptor::size).sum())) {
      Image counted = image.viewed(phase::counting);
      for (int i = 0; i < image.layers().size(); i++) {
        String digest = image.layers().get(i).digest();
        LayerReader.read(counted, i, tar -> applier.apply(() -> tar, image.name(), digest));
      }
      phase.done();
    }
    return applier.root;
  }

  /** Device nodes and FIFOs seen and not created. */
  public long skippedSpecialFiles() {
    return skippedSpecial;
  }

  /** Applies one layer blob (gzip, zstd or plain tar), unchecked: {@link #unpack} checks each against its image. */
  public void apply(InputStream blob, String image, String layer) {
    apply(() -> Compression.uncompressed(blob), image, layer);
  }

  /** Where a layer's uncompressed tar comes from. */
  @FunctionalInterface
  private interface TarSource {
    InputStream open() throws IOException;
  }

  /** Applies one uncompressed layer tar; reading stops at its end marker. */
  private void apply(TarSource source, String image, String layer) {
    String current = null;
    Set<String> created = new HashSet<>();
    try {
      TarArchiveInputStream tar = new TarArchiveInputStream(source.open());
      for (TarArchiveEntry e; (e = tar.getNextEntry()) != null; ) {
        current = e.getName();
        applyEntry(e, tar, created);
      }
    } catch (ImageException e) {
      throw e; // names the image and layer already
    } catch (IOException | RuntimeException e) {
      String problem = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
      if (e instanceof java.io.EOFException || (problem != null && problem.toLowerCase().contains("unexpected end"))) {
        problem = "the layer is truncated (" + problem + ")";
      }
      throw new LayerException(image, layer, current, problem, e);
    }
  }

  private void applyEntry(TarArchiveEntry e, InputStream data, Set<String> created) throws IOException {
    List<String> parts = parts(e.getName());
    if (parts.isEmpty()) {
      return;
    }
    String base = parts.get(parts.size() - 1);
    String parentPath = "/" + String.join("/", parts.subList(0, parts.size() - 1));
    if (base.equals(OPAQUE)) {
      resolveDir(parentPath).ifPresent(dir -> clearExcept(dir, created));
      return;
    }
    if (base.startsWith(WHITEOUT)) {
      String gone = base.substring(WHITEOUT.length());
      if (gone.isEmpty() || gone.equals(".") || gone.equals("..")) {
        throw new IOException("whiteout '" + base + "' names no file (it would remove its own directory)");
      }
      resolveDir(parentPath).ifPresent(dir -> deleteNoFollow(root.host(child(dir, base.substring(WHITEOUT.length())))));
      return;
    }
    if (e.isCharacterDevice() || e.isBlockDevice() || e.isFIFO()) {
      skippedSpecial++;
      return;
    }
    String dir = makeDirs(parentPath);
    String target = child(dir, base);
    Path host = root.host(target);
    boolean exists = Files.exists(host, LinkOption.NOFOLLOW_LINKS);
    if (e.isDirectory()) {
      if (exists && !Files.isDirectory(host, LinkOption.NOFOLLOW_LINKS)) {
        deleteNoFollow(host);
        exists = false;
      }
      if (!exists) {
        Files.createDirectory(host);
      }
      setMode(host, e.getMode() | 0700);
    } else {
      if (exists) {
        deleteNoFollow(host);
      }
      if (e.isSymbolicLink()) {
        Files.createSymbolicLink(host, Path.of(e.getLinkName()));
      } else if (e.isLink()) {
        Files.createLink(host, hardLinkTarget(e.getLinkName()));
      } else if (e.isFile()) {
        try (OutputStream out = NamedOutput.open(host, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
          for (int n; (n = data.read(buffer)) >= 0; ) { // one buffer for all files (transferTo makes one per file: garbage per entry)
            out.write(buffer, 0, n);
          }
        }
        setMode(host, e.getMode() | 0600);
        Files.setLastModifiedTime(host, FileTime.fromMillis(e.getModTime().getTime()));
      } else {
        throw new IOException("unsupported entry type '" + (char) e.getLinkFlag() + "'");
      }
    }
    created.add(target);
  }

  /** Path parts without "." and "/"; a ".." anywhere is an attack or a broken layer. */
  private static List<String> parts(String name) throws IOException {
    List<String> parts = new ArrayList<>();
    for (String p : name.split("/")) {
      if (p.equals("..")) {
        throw new IOException("path contains '..'");
      }
      if (!p.isEmpty() && !p.equals(".")) {
        parts.add(p);
      }
    }
    return parts;
  }

  private static String child(String dir, String name) {
    return dir.equals("/") ? "/" + name : dir + "/" + name;
  }

  private Optional<String> resolveDir(String imagePath) {
    return root.resolve(imagePath).map(RootFs.Resolved::path).filter(p -> Files.isDirectory(root.host(p), LinkOption.NOFOLLOW_LINKS));
  }

  /**
   * Creates missing parent directories; a link on the way is followed inside the root (its
   * missing target directories are created there too). Returns the real path.
   */
  private String makeDirs(String imagePath) throws IOException {
    return makeDirs(imagePath, 0);
  }

  private String makeDirs(String imagePath, int hops) throws IOException {
    String current = "/";
    for (String part : RootFs.normalize(imagePath).substring(1).split("/")) {
      if (part.isEmpty()) {
        continue;
      }
      String next = child(current, part);
      Path host = root.host(next);
      if (Files.isSymbolicLink(host)) {
        if (hops > 40) {
          throw new IOException("too many links in parent " + imagePath);
        }
        String target = Files.readSymbolicLink(host).toString();
        next = makeDirs(target.startsWith("/") ? target : child(current, target), hops + 1);
      } else if (!Files.exists(host, LinkOption.NOFOLLOW_LINKS)) {
        Files.createDirectory(host);
        setMode(host, 0755);
      } else if (!Files.isDirectory(host, LinkOption.NOFOLLOW_LINKS)) {
        throw new IOException("parent " + next + " is not a directory");
      }
      current = next;
    }
    return current;
  }

  private Path hardLinkTarget(String linkName) throws IOException {
    List<String> parts = parts(linkName);
    if (parts.isEmpty()) {
      throw new IOException("hard link to the root");
    }
    String parent = "/" + String.join("/", parts.subList(0, parts.size() - 1));
    String dir = resolveDir(parent).orElseThrow(() -> new IOException("hard link target " + linkName + " does not exist"));
    Path target = root.host(child(dir, parts.get(parts.size() - 1)));
    if (!Files.isRegularFile(target, LinkOption.NOFOLLOW_LINKS)) {
      throw new IOException("hard link target " + linkName + " is not a regular file inside the root");
    }
    return target;
  }

  private void clearExcept(String dir, Set<String> created) {
    for (String name : root.list(dir)) {
      String path = child(dir, name);
      if (!created.contains(path)) {
        deleteNoFollow(root.host(path));
      }
    }
  }

  private static void deleteNoFollow(Path host) {
    if (Files.isDirectory(host, LinkOption.NOFOLLOW_LINKS)) {
      TempFiles.deleteTree(host);
    } else {
      try {
        Files.deleteIfExists(host);
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }
  }

  private static void setMode(Path host, int mode) throws IOException {
    Set<PosixFilePermission> perms = EnumSet.noneOf(PosixFilePermission.class);
    PosixFilePermission[] order = {
        PosixFilePermission.OTHERS_EXECUTE, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_READ,
        PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_READ,
        PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_READ};
    for (int bit = 0; bit < 9; bit++) {
      if ((mode & (1 << bit)) != 0) {
        perms.add(order[bit]);
      }
    }
    Files.setPosixFilePermissions(host, perms);
  }
}

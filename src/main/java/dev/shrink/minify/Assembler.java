package dev.shrink.minify;

import dev.shrink.fs.RootFs;
import dev.shrink.layer.LayerEntry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Turns the kept paths into layer entries: files, links as links, directories; hard links where
 * files share an inode (device and inode number: a host's root spans several filesystems).
 */
final class Assembler {
  private Assembler() {}

  /**
   * @param extra synthesized files (image path to host file), e.g. /etc/passwd
   * @param replaced other contents for kept files (image path to host file), with the files' own
   *     modes, e.g. stripped copies of ELF files
   * @param dirs directories to create with their mode, e.g. /tmp 1777
   * @param readable paths made readable by everyone (files a+r, directories a+rx), for files the
   *     user named on a host, whose modes were made for the host's user and not the image's
   */
  static List<LayerEntry> entries(FileSet files, Map<String, Path> extra, Map<String, Path> replaced, Map<String, Integer> dirs,
      Predicate<String> readable)
      throws IOException {
    RootFs root = files.root();
    List<LayerEntry> entries = new ArrayList<>();
    Map<Object, String> inodes = new HashMap<>();
    for (String path : files.paths()) {
      if (extra.containsKey(path) || dirs.containsKey(path)) {
        continue;
      }
      Path host = root.host(path);
      if (Files.isSymbolicLink(host)) {
        entries.add(LayerEntry.symlink(path, Files.readSymbolicLink(host).toString()));
      } else if (Files.isDirectory(host, LinkOption.NOFOLLOW_LINKS)) {
        entries.add(LayerEntry.directory(path, mode(host) | (readable.test(path) ? 0555 : 0), 0, 0));
      } else if (Files.isRegularFile(host, LinkOption.NOFOLLOW_LINKS)) {
        int mode = mode(host) | (readable.test(path) ? 0444 : 0);
        String first = null;
        if ((Integer) Files.getAttribute(host, "unix:nlink", LinkOption.NOFOLLOW_LINKS) > 1) {
          List<Object> inode = List.of(Files.getAttribute(host, "unix:dev", LinkOption.NOFOLLOW_LINKS),
              Files.getAttribute(host, "unix:ino", LinkOption.NOFOLLOW_LINKS));
          first = inodes.putIfAbsent(inode, path);
        }
        entries.add(first == null ? LayerEntry.file(path, replaced.getOrDefault(path, host), mode, 0, 0) : LayerEntry.hardlink(path, first, mode, 0, 0));
      }
    }
    extra.forEach((path, host) -> entries.add(LayerEntry.file(path, host, 0644, 0, 0)));
    dirs.forEach((path, mode) -> entries.add(LayerEntry.directory(path, mode, 0, 0)));
    return entries;
  }

  private static int mode(Path host) throws IOException {
    return (Integer) Files.getAttribute(host, "unix:mode", LinkOption.NOFOLLOW_LINKS) & 07777;
  }
}

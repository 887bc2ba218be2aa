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

/** Turns the kept paths into layer entries: files, links as links, directories; hard links where files share an inode. */
final class Assembler {
  private Assembler() {}

  /**
   * @param extra synthesized files (image path to host file), e.g. /etc/passwd
   * @param dirs directories to create with their mode, e.g. /tmp 1777
   */
  static List<LayerEntry> entries(FileSet files, Map<String, Path> extra, Map<String, Integer> dirs) throws IOException {
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
        entries.add(LayerEntry.directory(path, mode(host), 0, 0));
      } else if (Files.isRegularFile(host, LinkOption.NOFOLLOW_LINKS)) {
        Object inode = Files.getAttribute(host, "unix:ino", LinkOption.NOFOLLOW_LINKS);
        String first = inodes.putIfAbsent(inode, path);
        entries.add(first == null ? LayerEntry.file(path, host, mode(host), 0, 0) : LayerEntry.hardlink(path, first, mode(host), 0, 0));
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

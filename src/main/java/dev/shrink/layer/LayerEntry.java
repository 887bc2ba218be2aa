package dev.shrink.layer;

import java.nio.file.Path;

/**
 * One entry of a layer to write.
 *
 * @param path absolute image path, e.g. {@code /usr/bin/python3}
 * @param source host file with the content (files only)
 * @param linkTarget the symlink's target as stored, or the image path a hard link points at
 */
public record LayerEntry(String path, Type type, int mode, int uid, int gid, Path source, String linkTarget) {
  public enum Type { DIRECTORY, FILE, SYMLINK, HARDLINK }

  public static LayerEntry directory(String path, int mode, int uid, int gid) {
    return new LayerEntry(path, Type.DIRECTORY, mode, uid, gid, null, null);
  }

  public static LayerEntry file(String path, Path source, int mode, int uid, int gid) {
    return new LayerEntry(path, Type.FILE, mode, uid, gid, source, null);
  }

  public static LayerEntry symlink(String path, String target) {
    return new LayerEntry(path, Type.SYMLINK, 0777, 0, 0, null, target);
  }

  public static LayerEntry hardlink(String path, String target, int mode, int uid, int gid) {
    return new LayerEntry(path, Type.HARDLINK, mode, uid, gid, null, target);
  }
}

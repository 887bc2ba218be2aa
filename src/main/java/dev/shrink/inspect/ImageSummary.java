package dev.shrink.inspect;

import dev.shrink.image.Image;
import dev.shrink.image.ImageConfig;
import java.io.IOException;
import java.util.List;
import java.util.Map;

/**
 * What {@code shrink inspect} shows: the config, each layer's compressed and uncompressed size,
 * and the files of the final filesystem (whiteouts applied) with the largest ones.
 */
public record ImageSummary(ImageConfig config, List<FileTree.LayerSize> layers, long fileCount, long totalFileBytes, List<FileSize> largest) {
  public record FileSize(String path, long size) {}

  public long compressedSize() {
    return layers.stream().mapToLong(l -> l.descriptor().size()).sum();
  }

  public long uncompressedSize() {
    return layers.stream().mapToLong(FileTree.LayerSize::uncompressedSize).sum();
  }

  public static ImageSummary of(Image image, int top) throws IOException {
    FileTree tree = FileTree.of(image, false);
    List<FileSize> largest = tree.files().entrySet().stream()
        .sorted(Map.Entry.<String, FileTree.File>comparingByValue((a, b) -> Long.compare(b.size(), a.size())).thenComparing(Map.Entry.comparingByKey()))
        .limit(top).map(e -> new FileSize(e.getKey(), e.getValue().size())).toList();
    return new ImageSummary(image.config(), tree.layers(), tree.files().size(), tree.fileBytes(), largest);
  }
}

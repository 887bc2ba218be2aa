package dev.shrink.cli;

import dev.shrink.image.Image;
import dev.shrink.layer.LayerApplier;
import dev.shrink.layer.TempFiles;
import dev.shrink.transport.ImageReference;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code shrink unpack SRC DIR}: the image's root filesystem, layers applied safely, in a new directory. */
@Command(name = "unpack", mixinStandardHelpOptions = true,
    header = "Unpacks an image into a directory, like umoci unpack or crane export.",
    description = {"Applies the image's layers in order to a new directory (whiteouts honoured; nothing is written",
        "outside DIR; device nodes are skipped), like umoci unpack or crane export. Every layer is checked",
        "against its digest and diff_id; on any failure DIR is removed."})
final class UnpackCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "SRC", converter = TransportMixin.ReferenceConverter.class, description = "Image to unpack.")
  ImageReference source;

  @Parameters(index = "1", paramLabel = "DIR", description = "Directory to create; it must not exist.")
  Path dir;

  @Mixin
  TransportMixin transport;

  @Override
  public Integer call() throws Exception {
    Path parent = dir.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    try {
      TempFiles.deleteOnExit(Files.createDirectory(dir));
    } catch (FileAlreadyExistsException e) {
      throw new IllegalStateException(dir + " exists; unpack writes into a new directory only");
    }
    try (Image image = source.read(transport.source())) {
      LayerApplier.unpack(image, dir);
    } catch (Exception e) {
      TempFiles.deleteTree(dir);
      throw e;
    }
    TempFiles.keep(dir);
    System.err.println("Unpacked " + source + " into " + dir);
    return 0;
  }
}

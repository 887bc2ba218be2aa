package dev.shrink.cli;

import dev.shrink.image.Image;
import dev.shrink.inspect.FileTree;
import dev.shrink.inspect.ImageDiff;
import dev.shrink.json.Json;
import dev.shrink.transport.ImageReference;
import java.io.IOException;
import java.io.PrintStream;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/** {@code shrink diff ORIGINAL SHRUNK}: the files the second image lacks, adds and changes, in total and per directory. */
@Command(name = "diff", mixinStandardHelpOptions = true,
    header = "Shows the files two images differ in: removed, added, changed.",
    description = {"Compares the final filesystems of ORIGINAL and SHRUNK (every layer applied,",
        "whiteouts honoured; regular files, compared by size and SHA-256): the files only",
        "in ORIGINAL (removed), only in SHRUNK (added) and in both with other contents",
        "(changed), in total and per directory, largest first."})
final class DiffCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "ORIGINAL", converter = TransportMixin.ReferenceConverter.class, description = "The first image (the fat one).")
  ImageReference original;

  @Parameters(index = "1", paramLabel = "SHRUNK", converter = TransportMixin.ReferenceConverter.class, description = "The second image (the shrunk one).")
  ImageReference shrunk;

  @Option(names = "--depth", paramLabel = "N", defaultValue = "3", description = "Directory depth of the per-directory table (default: ${DEFAULT-VALUE}).")
  int depth;

  @Option(names = "--top", paramLabel = "N", defaultValue = "20", description = "How many directories to list (default: ${DEFAULT-VALUE}).")
  int top;

  @Option(names = "--files", description = "List every removed (-), added (+) and changed (~) file.")
  boolean files;

  @Option(names = "--json", description = "Print JSON for machines: the totals, the directories and every changed path.")
  boolean json;

  @Mixin
  TransportMixin transport;

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    if (depth < 1 || top < 0) {
      throw new ParameterException(spec.commandLine(), "--depth must be 1 or more and --top 0 or more");
    }
    FileTree a = tree(original);
    FileTree b = tree(shrunk);
    ImageDiff diff = ImageDiff.of(a, b);
    List<ImageDiff.Directory> dirs = diff.byDirectory(depth);
    PrintStream out = System.out;
    if (json) {
      out.println(Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(toJson(diff, dirs)));
      return 0;
    }
    out.printf("%-9s %8s  %10s%n", "", "FILES", "SIZE");
    row(out, "removed", diff.removed());
    row(out, "added", diff.added());
    row(out, "changed", diff.changed());
    row(out, "same", diff.same());
    out.printf("%nby directory (depth %d, largest first):%n", depth);
    out.printf("  %-48s %17s %17s %17s%n", "DIRECTORY", "REMOVED", "ADDED", "CHANGED");
    dirs.stream().limit(top).forEach(d -> out.printf("  %-48s %17s %17s %17s%n", d.path(), cell(d.removed()), cell(d.added()), cell(d.changed())));
    if (dirs.size() > top) {
      out.printf("  ... and %d more directories (--top, --depth)%n", dirs.size() - top);
    }
    if (files) {
      out.println();
      for (ImageDiff.Change c : diff.changes()) {
        switch (c.kind()) {
          case REMOVED -> out.printf("- %10s  %s%n", Sizes.human(c.before()), c.path());
          case ADDED -> out.printf("+ %10s  %s%n", Sizes.human(c.after()), c.path());
          case CHANGED -> out.printf("~ %10s  %s (was %s)%n", Sizes.human(c.after()), c.path(), Sizes.human(c.before()));
        }
      }
    }
    return 0;
  }

  private FileTree tree(ImageReference ref) throws IOException {
    try (Image image = ref.read(transport.source())) {
      return FileTree.of(image, true);
    }
  }

  private static void row(PrintStream out, String what, ImageDiff.Count c) {
    out.printf("%-9s %8d  %10s%n", what, c.files(), Sizes.human(c.bytes()));
  }

  private static String cell(ImageDiff.Count c) {
    return c.files() == 0 ? "-" : c.files() + " / " + Sizes.human(c.bytes());
  }

  private static ObjectNode toJson(ImageDiff diff, List<ImageDiff.Directory> dirs) {
    ObjectNode root = Json.object();
    count(root.putObject("removed"), diff.removed());
    count(root.putObject("added"), diff.added());
    count(root.putObject("changed"), diff.changed());
    count(root.putObject("same"), diff.same());
    ArrayNode d = root.putArray("directories");
    for (ImageDiff.Directory dir : dirs) {
      ObjectNode n = d.addObject().put("path", dir.path());
      count(n.putObject("removed"), dir.removed());
      count(n.putObject("added"), dir.added());
      count(n.putObject("changed"), dir.changed());
    }
    ArrayNode c = root.putArray("files");
    diff.changes().forEach(x -> c.addObject().put("change", x.kind().name().toLowerCase(java.util.Locale.ROOT)).put("path", x.path())
        .put("before", x.before()).put("after", x.after()));
    return root;
  }

  private static void count(ObjectNode n, ImageDiff.Count c) {
    n.put("files", c.files()).put("bytes", c.bytes());
  }
}

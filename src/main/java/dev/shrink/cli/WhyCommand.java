package dev.shrink.cli;

import dev.shrink.image.Image;
import dev.shrink.layer.Compression;
import dev.shrink.layer.TempFiles;
import dev.shrink.minify.Minifier;
import dev.shrink.report.Report;
import dev.shrink.report.ReportJson;
import dev.shrink.report.Why;
import dev.shrink.transport.ImageReference;
import dev.shrink.transport.TransportOptions;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code shrink why REPORT|IMAGE PATH|DISTRIBUTION}: the chain of reasons that keeps a file or a Python distribution. */
@Command(name = "why", mixinStandardHelpOptions = true,
    header = "Tells why a file or a Python distribution is in a shrunk image.",
    description = {"Prints the chain of reasons from a root (the command, the app directory, --include, a probe,",
        "the essentials, a repair) to PATH, one hop per line: analyser, file, reason. For a DISTRIBUTION (a name",
        "without '/', e.g. falcon, compared as pip compares names) it prints the hops from outside it that brought",
        "its files in, and the chains of the files that asked. SRC is a report written by --report (an existing",
        ".json file), or an image, which is then analysed as minify analyses it, statically (no probe, nothing",
        "written but temporary files).",
        "Exit codes: 0 kept, 1 not kept (or an error), 2 bad usage."})
final class WhyCommand implements Callable<Integer> {
  /** How many hops into a distribution, and chains of the files that asked, are printed. */
  private static final int SHOWN = 10;

  @Parameters(index = "0", paramLabel = "SRC", description = "A report (FILE.json written by minify or build --report), or an image.")
  String subject;

  @Parameters(index = "1", paramLabel = "PATH|DISTRIBUTION", description = "An absolute path in the image, or a Python distribution's name.")
  String what;

  @Mixin
  TransportMixin transport;

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws IOException {
    Path file = Path.of(subject);
    Report report;
    if (subject.endsWith(".json") && Files.isRegularFile(file)) {
      report = ReportJson.read(file);
    } else {
      ImageReference image;
      try {
        image = ImageReference.parse(subject);
      } catch (IllegalArgumentException e) {
        throw new CommandLine.ParameterException(spec.commandLine(), "SRC " + subject + " is neither a report (an existing .json file) nor an image: "
            + e.getMessage());
      }
      report = analyse(image, transport.source());
      System.err.println("why: static analysis of " + image + " (no probe): a file that only a traced run keeps is not among its files");
    }
    Why why = new Why(report);
    return what.contains("/") ? path(why, what, System.out) : distribution(why, what, System.out);
  }

  /** The report of minify's static analysis of an image, made in a temporary directory. */
  private static Report analyse(ImageReference reference, TransportOptions options) throws IOException {
    Path work = TempFiles.createDirectory(options.tempDir(), "why");
    Minifier.Options fast = Minifier.Options.builder().output(new Minifier.Output(Compression.GZIP, 1, false, false)).build();
    try (Image image = reference.read(options)) {
      Minifier.Result result = Minifier.minify(image, work, fast);
      result.image().close();
      return result.report();
    } finally {
      TempFiles.deleteTree(work);
    }
  }

  private static int path(Why why, String path, PrintStream out) {
    String kept = why.kept(path).orElse(null);
    if (kept == null) {
      out.println(path + " is not kept" + why.dropped(path).map(d -> ": it was left out because " + d).orElse(""));
      return 1;
    }
    List<Why.Hop> chain = why.chain(kept);
    chain.forEach(h -> out.println(line(why, h)));
    return 0;
  }

  private static int distribution(Why why, String name, PrintStream out) {
    Why.Distribution d = why.distribution(name).orElse(null);
    if (d == null) {
      out.println("no kept file belongs to a Python distribution named " + name);
      return 1;
    }
    List<Why.Hop> hops = d.entries().stream().filter(h -> h.reason().from() != null).toList();
    Map<String, Long> roots = new TreeMap<>(d.entries().stream().filter(h -> h.reason().from() == null)
        .collect(Collectors.groupingBy(h -> h.reason().analyser().word(), Collectors.counting())));
    out.printf("%s: %d files kept (%s); %d hop%s into it from outside it%s%n", d.name(), d.files().size(), Sizes.human(d.bytes()),
        hops.size(), hops.size() == 1 ? "" : "s", roots.isEmpty() ? "" : ", and files kept for their own sake: " + roots.entrySet().stream()
            .map(e -> e.getKey() + " " + e.getValue()).collect(Collectors.joining(", ")));
    hops.stream().limit(SHOWN).forEach(h -> out.println(line(why, h)));
    if (hops.size() > SHOWN) {
      out.println("... and " + (hops.size() - SHOWN) + " more");
    }
    for (String asker : hops.stream().map(h -> h.reason().from()).filter(f -> why.kept(f).isPresent()).distinct().limit(3).toList()) {
      out.println("why " + asker + ":");
      why.chain(asker).forEach(h -> out.println("  " + line(why, h)));
    }
    return 0;
  }

  /** One hop: analyser, path, reason; and when the file that asked is not in the output, that it is not. */
  private static String line(Why why, Why.Hop h) {
    String from = h.reason().from();
    String missing = from != null && why.kept(from).isEmpty() ? "; " + from + " is not in the image" : "";
    return String.format("%-10s %s  (%s%s)", h.reason().analyser().word(), h.path(), h.reason().reason(), missing);
  }
}

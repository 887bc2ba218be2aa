package dev.shrink.minify;

import dev.shrink.bytecode.Compiler;
import dev.shrink.bytecode.Target;
import dev.shrink.closure.Requirement;
import dev.shrink.fs.RootFs;
import dev.shrink.image.Image;
import dev.shrink.image.ImageConfig;
import dev.shrink.layer.Compression;
import dev.shrink.layer.LayerApplier;
import dev.shrink.layer.LayerEntry;
import dev.shrink.layer.LayerWriter;
import dev.shrink.layer.ScratchImage;
import dev.shrink.python.PythonAnalysis;
import dev.shrink.python.PythonLayout;
import dev.shrink.report.Report;
import dev.shrink.sbom.Contents;
import dev.shrink.sbom.OutputFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import tools.jackson.databind.node.ObjectNode;

/**
 * The heart of shrink: from a fat image to a FROM-scratch image with only the files its command
 * needs, found by static analysis (what runs, ELF libraries, Python imports, knowledge, system
 * essentials), running as a non-root user. The steps that choose the files are listed in
 * {@link Pipeline}; this class writes what they chose as layers, config and report.
 */
public final class Minifier {
  /**
   * How the layers are written: their compression and level, whether ELF files lose their symbol
   * tables and debug sections ({@code --strip}), and whether the standard library's bytecode goes
   * into the interpreter's {@code pythonXY.zip} (see {@link StdlibZip}; off by default: loose
   * bytecode starts faster).
   */
  public record Output(Compression compression, int level, boolean strip, boolean zipStdlib) {
    public static Output defaults() {
      return new Output(Compression.GZIP, Compression.GZIP.defaultLevel(), true, false);
    }
  }

  /** What the image runs and as whom ({@code --entrypoint}, {@code --cmd}, {@code --user}); null means "from the image". */
  public record Command(List<String> entrypoint, List<String> cmd, String user) {
    public static final Command FROM_IMAGE = new Command(null, null, null);
  }

  /** Globs of image paths to keep besides what the analysis finds ({@code --include}), and never to keep ({@code --exclude}). */
  public record PathRules(List<String> includes, List<String> excludes) {
    public static final PathRules NONE = new PathRules(List.of(), List.of());

    public PathRules {
      includes = List.copyOf(includes);
      excludes = List.copyOf(excludes);
    }
  }

  /**
   * The form Python modules are kept in, the same for minify and build: sources ({@code
   * --keep-sources}) or sourceless bytecode made as {@code target} says (optimisation level, column
   * positions); {@code purePython} keeps a compiled module's own source instead of it where both
   * ship (see {@link PurePython}).
   */
  public record Bytecode(boolean keepSources, Target target, boolean purePython) {
    /** Refuses optimised bytecode with sources kept (Python would load the sources' bytecode). */
    public Bytecode {
      if (target.optimize() > 0 && keepSources) {
        throw new IllegalArgumentException("-O" + target.optimize() + " makes sourceless bytecode: it cannot be combined with --keep-sources");
      }
    }

    public static Bytecode defaults() {
      return new Bytecode(false, Target.defaults(), false);
    }
  }

  /**
   * What a traced run saw: paths of the root (analyser {@code probe}, or {@code repair}) that join
   * the static closure, and Python files (sources, bytecode, extension modules) seen loaded, whose
   * modules seed the import scanner.
   */
  public record Traced(List<Requirement> paths, List<String> pythonFiles) {
    public static final Traced NONE = new Traced(List.of(), List.of());

    public Traced {
      paths = List.copyOf(paths);
      pythonFiles = List.copyOf(pythonFiles);
    }
  }

  /**
   * What a minify is told, by concern; made with {@link #builder()}. {@code compiler} runs the
   * image's interpreter to make bytecode, or is null (the image's valid bytecode is kept as it is,
   * other modules as source). {@code host} is null for an image's root, and says what the user
   * named when the root is a machine's own (shrink build).
   */
  public record Options(Command command, PathRules paths, Bytecode bytecode, Compiler compiler, Output output, HostRoot host,
      Traced traced) {
    public Options {
      Objects.requireNonNull(command);
      Objects.requireNonNull(paths);
      Objects.requireNonNull(bytecode);
      Objects.requireNonNull(output);
      Objects.requireNonNull(traced);
    }

    /** Options with every group at its default: the image's command, no path rules, sourceless bytecode, default layers. */
    public static Builder builder() {
      return new Builder();
    }

    /** A builder holding these options, to change some. */
    public Builder toBuilder() {
      return builder().command(command).paths(paths).bytecode(bytecode).compiler(compiler).output(output).host(host).traced(traced);
    }

    /** Named setters for {@link Options}. */
    public static final class Builder {
      private Command command = Command.FROM_IMAGE;
      private PathRules paths = PathRules.NONE;
      private Bytecode bytecode = Bytecode.defaults();
      private Compiler compiler;
      private Output output = Output.defaults();
      private HostRoot host;
      private Traced traced = Traced.NONE;

      private Builder() {}

      public Builder command(Command value) {
        command = value;
        return this;
      }

      public Builder paths(PathRules value) {
        paths = value;
        return this;
      }

      public Builder bytecode(Bytecode value) {
        bytecode = value;
        return this;
      }

      public Builder compiler(Compiler value) {
        compiler = value;
        return this;
      }

      public Builder output(Output value) {
        output = value;
        return this;
      }

      public Builder host(HostRoot value) {
        host = value;
        return this;
      }

      public Builder traced(Traced value) {
        traced = value;
        return this;
      }

      public Options build() {
        return new Options(command, paths, bytecode, compiler, output, host, traced);
      }
    }
  }

  /**
   * The shrunk image (its layer lives in the work directory), the report of how it was made, and
   * the Python layout the analysis computed (null when the command runs no Python).
   */
  public record Result(Image image, Report report, PythonLayout python, Contents packages) {}

  /**
   * An image unpacked for {@link #minify(Source, Path, Options)}: its root, config, name, and what
   * is read of the whole root beside the analysis ({@link Survey}); closed before the root goes.
   */
  public record Source(RootFs root, ImageConfig config, String name, Survey survey) implements AutoCloseable {
    @Override
    public void close() {
      survey.close();
    }
  }

  private Minifier() {}

  /** Minifies an image: unpacks it into {@code workDir} and keeps what its command needs. */
  public static Result minify(Image source, Path workDir, Options options) throws IOException {
    try (Source unpacked = unpack(source, workDir)) {
      return minify(unpacked, workDir, options);
    }
  }

  /** Unpacks an image into {@code workDir/rootfs}, to be minified once or more (a repair rebuilds). */
  public static Source unpack(Image source, Path workDir) throws IOException {
    return of(source, LayerApplier.unpack(source, workDir.resolve("rootfs")));
  }

  /** An image whose root filesystem {@code root} is a directory already (an engine's mount of it), which is only read. */
  public static Source of(Image source, RootFs root) {
    return new Source(root, source.config(), source.name(), Survey.start(source, root));
  }

  /** Minifies an unpacked image; {@code workDir} gets this build's layer and written files. */
  public static Result minify(Source source, Path workDir, Options options) throws IOException {
    return keep(source.root(), source.config(), source.name(), source.survey(), workDir, options);
  }

  /**
   * Keeps what a command needs from a root filesystem, which is only read (it may be the host's
   * own, see {@link Options#host()}). {@code config} gives the command, env, workdir and user;
   * {@code before} the sizes to report against, or null.
   */
  public static Result minify(RootFs root, ImageConfig config, String name, Report.Sizes before, Path workDir, Options options)
      throws IOException {
    try (Survey survey = Survey.of(before, root)) {
      return keep(root, config, name, survey, workDir, options);
    }
  }

  private static Result keep(RootFs root, ImageConfig config, String name, Survey survey, Path workDir, Options options) throws IOException {
    RunCommand run = RunCommand.resolve(root, config, options.command().entrypoint(), options.command().cmd());
    long epoch = LayerWriter.sourceDateEpoch();
    Selection s = Pipeline.select(root, Pipeline.steps(run, config.user(), name, workDir, options, epoch, survey));
    Report.Sizes before = survey.sizes();
    HostRoot host = options.host();
    List<LayerEntry> entries = Assembler.entries(s.files, s.written, s.stripped, s.dirs, host == null ? p -> false : host::named);
    Map<LayerSplit.Part, List<LayerEntry>> parts = new LayerSplit(Pipeline.appDirs(run, host)).split(entries);
    Path layerDir = Files.createDirectories(workDir.resolve("layers"));
    LayerWriter writer = new LayerWriter(options.output().compression(), options.output().level(), epoch);
    List<LayerWriter.Blob> blobs = new ArrayList<>();
    List<Report.Layer> layers = new ArrayList<>();
    Map<String, String> layerOf = new HashMap<>();
    for (Map.Entry<LayerSplit.Part, List<LayerEntry>> part : parts.entrySet()) {
      part.getValue().stream().filter(e -> e.type() != LayerEntry.Type.DIRECTORY).forEach(e -> layerOf.put(e.path(), part.getKey().label()));
      LayerWriter.Blob blob = writer.write(part.getValue(), layerDir.resolve(part.getKey().label() + ".tar"));
      blobs.add(blob);
      layers.add(Reports.layer(part.getKey().label(), part.getKey().description(), blob, part.getValue()));
    }
    PythonAnalysis.Result python = s.python;
    int optimize = python != null && !options.bytecode().keepSources() ? options.bytecode().target().optimize() : 0;
    ObjectNode outConfig = OutputConfig.of(config, run, s.user, epoch, host == null ? "shrink minify" : "shrink build", parts.keySet(), optimize);
    Image image = ScratchImage.of(name + " (minified)", outConfig, blobs, null);
    Contents packages = Contents.of(python == null ? s.debs : s.debs.withPython(root, python.layout()), outputFiles(entries, s.archives),
        host == null ? root : null);
    Report report = Reports.of(name, before, s, new Reports.Output(image, layers, layerOf), packages, options);
    return new Result(image, report, python == null ? null : python.layout(), packages);
  }

  /** The files and links of the output, from its layer entries and the members of the zips shrink wrote. */
  private static List<OutputFile> outputFiles(List<LayerEntry> entries, Map<String, Map<String, StdlibZip.Member>> archives)
      throws IOException {
    List<OutputFile> out = new ArrayList<>();
    for (LayerEntry e : entries) {
      if (e.type() != LayerEntry.Type.DIRECTORY) {
        out.add(new OutputFile(e.path(), e.type() == LayerEntry.Type.FILE ? Files.size(e.source()) : 0, e.mode()));
      }
    }
    archives.values().forEach(members -> members.forEach((path, m) -> out.add(new OutputFile(path, m.size(), 0644))));
    return out;
  }
}

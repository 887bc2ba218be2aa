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
import dev.shrink.sbom.Contents;
import dev.shrink.sbom.OutputFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The heart of shrink: from a fat image to a FROM-scratch image with only the files its command
 * needs, found by static analysis (what runs, ELF libraries, Python imports, knowledge, system
 * essentials), running as a non-root user. The steps that choose the files are listed in
 * {@link Pipeline}; this class writes what they chose as layers, config and report.
 */
public final class Minifier {
  /** The analyser of paths a self-repair added (see {@code dev.shrink.repair}); no --exclude drops them. */
  public static final String REPAIR = "repair";

  /**
   * How the layers are written: their compression and level, whether ELF files lose their symbol
   * tables and debug sections ({@code --strip}), and whether the standard library's bytecode goes
   * into the interpreter's {@code pythonXY.zip} (see {@link StdlibZip}).
   */
  public record Output(Compression compression, int level, boolean strip, boolean zipStdlib) {
    public static Output defaults() {
      return new Output(Compression.GZIP, Compression.GZIP.defaultLevel(), false, true);
    }
  }

  /**
   * What the user can say; null entrypoint/cmd/user mean "from the image". {@code host} is null for
   * an image's root, and says what the user named when the root is a machine's own (shrink build).
   * {@code extra} are paths found elsewhere (a traced run: analyser "probe") that join the static
   * closure; {@code extraPythonFiles} are Python files (sources, bytecode, extension modules) seen
   * loaded, whose modules seed the import scanner.
   */
  public record Options(List<String> entrypoint, List<String> cmd, String user, List<String> includes, List<String> excludes,
      boolean keepSources, Output output, HostRoot host, List<Requirement> extra, List<String> extraPythonFiles,
      Target bytecode, Compiler compiler, boolean purePython) {
    /**
     * {@code bytecode} is the sourceless bytecode to make (optimisation level, column positions);
     * {@code compiler} runs the image's interpreter to make it, or is null (the image's valid
     * bytecode is kept as it is, other modules as source); {@code purePython} keeps a compiled
     * module's own source instead of it where both ship (see {@link PurePython}).
     */
    public Options {
      checkBytecode(bytecode.optimize(), keepSources);
    }

    /** Refuses optimised bytecode with sources kept (Python would load the sources' bytecode). */
    public static void checkBytecode(int optimize, boolean keepSources) {
      if (optimize > 0 && keepSources) {
        throw new IllegalArgumentException("-O" + optimize + " makes sourceless bytecode: it cannot be combined with --keep-sources");
      }
    }

    public Options(List<String> entrypoint, List<String> cmd, String user, List<String> includes, List<String> excludes,
        boolean keepSources, Output output) {
      this(entrypoint, cmd, user, includes, excludes, keepSources, output, null, List.of(), List.of(), Target.defaults(), null, false);
    }

    public static Options defaults() {
      return new Options(null, null, null, List.of(), List.of(), false, Output.defaults());
    }

    public Options withHost(HostRoot value) {
      return new Options(entrypoint, cmd, user, includes, excludes, keepSources, output, value, extra, extraPythonFiles, bytecode, compiler, purePython);
    }

    /** These options with paths and Python files found by a traced run added. */
    public Options withExtra(List<Requirement> requirements, List<String> pythonFiles) {
      return new Options(entrypoint, cmd, user, includes, excludes, keepSources, output, host, List.copyOf(requirements),
          List.copyOf(pythonFiles), bytecode, compiler, purePython);
    }

    /** These options with bytecode made as {@code value} says by {@code by} (null: nothing compiles). */
    public Options withBytecode(Target value, Compiler by) {
      return new Options(entrypoint, cmd, user, includes, excludes, keepSources, output, host, extra, extraPythonFiles, value, by,
          purePython);
    }

    /** These options with compiled modules replaced by their own sources where both ship ({@code --pure-python}). */
    public Options withPurePython(boolean value) {
      return new Options(entrypoint, cmd, user, includes, excludes, keepSources, output, host, extra, extraPythonFiles, bytecode, compiler,
          value);
    }
  }

  /**
   * The shrunk image (its layer lives in the work directory), the report of how it was made, and
   * the Python layout the analysis computed (null when the command runs no Python).
   */
  public record Result(Image image, MinifyReport report, PythonLayout python) {}

  /** An image unpacked for {@link #minify(Source, Path, Options)}: its root, config, name and sizes. */
  public record Source(RootFs root, ImageConfig config, String name, MinifyReport.Sizes before) {}

  private Minifier() {}

  /** Minifies an image: unpacks it into {@code workDir} and keeps what its command needs. */
  public static Result minify(Image source, Path workDir, Options options) throws IOException {
    return minify(unpack(source, workDir), workDir, options);
  }

  /** Unpacks an image into {@code workDir/rootfs}, to be minified once or more (a repair rebuilds). */
  public static Source unpack(Image source, Path workDir) throws IOException {
    RootFs root = LayerApplier.unpack(source, workDir.resolve("rootfs"));
    long[] files = MinifyReport.countFiles(root.dir());
    MinifyReport.Sizes before = new MinifyReport.Sizes(source.layers().stream().mapToLong(d -> d.size()).sum(), files[0], files[1]);
    return new Source(root, source.config(), source.name(), before);
  }

  /** Minifies an unpacked image; {@code workDir} gets this build's layer and written files. */
  public static Result minify(Source source, Path workDir, Options options) throws IOException {
    return minify(source.root(), source.config(), source.name(), source.before(), workDir, options);
  }

  /**
   * Keeps what a command needs from a root filesystem, which is only read (it may be the host's
   * own, see {@link Options#host()}). {@code config} gives the command, env, workdir and user;
   * {@code before} the sizes to report against, or null.
   */
  public static Result minify(RootFs root, ImageConfig config, String name, MinifyReport.Sizes before, Path workDir, Options options)
      throws IOException {
    RunCommand run = RunCommand.resolve(root, config, options.entrypoint(), options.cmd());
    Pipeline pipeline = new Pipeline(root, run, config.user(), name, workDir, options, LayerWriter.sourceDateEpoch());
    Selection s = pipeline.select();
    HostRoot host = options.host();
    List<LayerEntry> entries = Assembler.entries(s.files, s.written, s.stripped, s.dirs, host == null ? p -> false : host::named);
    Map<LayerSplit.Part, List<LayerEntry>> parts = new LayerSplit(pipeline.appDirs).split(entries);
    Path layerDir = Files.createDirectories(workDir.resolve("layers"));
    LayerWriter writer = new LayerWriter(options.output().compression(), options.output().level(), pipeline.epoch);
    List<LayerWriter.Blob> blobs = new ArrayList<>();
    List<MinifyReport.Layer> layers = new ArrayList<>();
    for (Map.Entry<LayerSplit.Part, List<LayerEntry>> part : parts.entrySet()) {
      LayerWriter.Blob blob = writer.write(part.getValue(), layerDir.resolve(part.getKey().label() + ".tar"));
      blobs.add(blob);
      layers.add(MinifyReport.Layer.of(part.getKey().label(), part.getKey().description(), blob, part.getValue()));
    }
    PythonAnalysis.Result python = pipeline.python;
    ObjectNode outConfig = outputConfig(config, run, pipeline.user, pipeline.epoch, host == null ? "shrink minify" : "shrink build",
        parts.keySet());
    if (python != null && !options.keepSources() && options.bytecode().optimize() > 0) {
      optimizeEnv(outConfig, options.bytecode().optimize());
    }
    Image image = ScratchImage.of(name + " (minified)", outConfig, blobs, null);
    Map<String, Path> contents = new HashMap<>(s.written);
    contents.putAll(s.stripped);
    Contents packages = Contents.of(pipeline.layout() == null ? pipeline.dpkg.debs : pipeline.dpkg.debs.withPython(root, pipeline.layout()), outputFiles(entries, s.archives), host == null ? root : null);
    MinifyReport report = MinifyReport.of(name, before, image, layers, s.files, contents, s.archives, s.dropped, s.stripped.keySet(),
        s.problems, python == null ? List.of() : python.notes(), pipeline.user, packages);
    return new Result(image, report, pipeline.layout());
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

  /**
   * {@code PYTHONOPTIMIZE=N} in the config's Env (replacing the image's own), so that {@code
   * sys.flags.optimize} says what the bytecode is: libraries that check it before they use
   * docstrings (numpy's {@code add_docstring} does) would otherwise fail on -O2 bytecode.
   */
  private static void optimizeEnv(ObjectNode config, int level) {
    ObjectNode c = (ObjectNode) config.get("config");
    List<String> others = new ArrayList<>();
    c.path("Env").forEach(e -> {
      if (!e.asString().startsWith("PYTHONOPTIMIZE=")) {
        others.add(e.asString());
      }
    });
    ArrayNode env = c.putArray("Env");
    others.forEach(env::add);
    env.add("PYTHONOPTIMIZE=" + level);
  }

  private static ObjectNode outputConfig(ImageConfig source, RunCommand run, Essentials user, long epoch, String createdBy,
      Collection<LayerSplit.Part> parts) {
    ObjectNode doc = source.copy();
    ObjectNode c = doc.has("config") && doc.get("config").isObject() ? (ObjectNode) doc.get("config") : doc.putObject("config");
    c.put("User", user.configUser());
    ArrayNode ep = c.putArray("Entrypoint");
    run.entrypoint().forEach(ep::add);
    if (run.cmd().isEmpty()) {
      c.remove("Cmd");
    } else {
      ArrayNode cmd = c.putArray("Cmd");
      run.cmd().forEach(cmd::add);
    }
    if (run.entrypoint().isEmpty()) {
      c.remove("Entrypoint");
    }
    c.put("WorkingDir", run.workdir());
    c.remove("Shell");
    c.remove("Healthcheck");
    doc.remove("history");
    ArrayNode history = doc.putArray("history");
    for (LayerSplit.Part part : parts) {
      ObjectNode h = history.addObject();
      h.put("created", java.time.Instant.ofEpochSecond(epoch).toString());
      h.put("created_by", createdBy + " (" + part.label() + " layer)");
      h.put("comment", "FROM scratch: only the files the command needs; " + part.description());
    }
    doc.put("created", java.time.Instant.ofEpochSecond(epoch).toString());
    return doc;
  }

}

package dev.shrink.cli;

import dev.shrink.report.ShrinkVersion;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code shrink} command line: a thin layer over the library. Exit 0 done, 1 failed, 2 bad usage. */
@Command(name = "shrink",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    description = "Turns a Python application into the smallest FROM-scratch container image that still runs it.")
public final class Main implements Runnable {
  /**
   * The commands, in the order help lists them. picocli reads a command's options by reflection
   * when it is added (a third of the start-up's CPU for all of them), so a run that names one adds
   * only that one, and {@code --version} none; help and usage errors see them all.
   */
  private static final Map<String, Supplier<Object>> COMMANDS = commands();

  private static Map<String, Supplier<Object>> commands() {
    Map<String, Supplier<Object>> c = new LinkedHashMap<>();
    c.put("copy", CopyCommand::new);
    c.put("inspect", InspectCommand::new);
    c.put("diff", DiffCommand::new);
    c.put("unpack", UnpackCommand::new);
    c.put("minify", MinifyCommand::new);
    c.put("build", BuildCommand::new);
    c.put("verify", VerifyCommand::new);
    c.put("why", WhyCommand::new);
    c.put("report", ReportCommand::new);
    c.put("help", CommandLine.HelpCommand::new);
    return c;
  }

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "a command is required");
  }

  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Runs the CLI and returns its exit code (tests call this). */
  public static int run(String... args) {
    CommandLine cli = new CommandLine(new Main());
    String first = args.length > 0 ? args[0] : "";
    boolean one = COMMANDS.containsKey(first) && !first.equals("help");
    if (!List.of("--version", "-V").contains(first)) {
      COMMANDS.forEach((name, command) -> {
        if (!one || name.equals(first)) {
          cli.addSubcommand(name, command.get());
        }
      });
    }
    cli.getSubcommands().values().forEach(TransportMixin::fit);
    // picocli lets unmatched arguments pass when help is asked for (shrink why --help printed the main help, exit 0)
    cli.setExecutionStrategy(parseResult -> {
      if (!parseResult.hasSubcommand() && !parseResult.unmatched().isEmpty()) {
        throw new CommandLine.ParameterException(parseResult.commandSpec().commandLine(), "unknown command '" + parseResult.unmatched().get(0)
            + "'; the commands are " + String.join(", ", parseResult.commandSpec().subcommands().keySet()));
      }
      for (CommandLine.ParseResult r = parseResult; r != null; r = r.subcommand()) {
        if (!r.unmatched().isEmpty()) {
          throw new CommandLine.UnmatchedArgumentException(r.commandSpec().commandLine(), r.unmatched());
        }
      }
      Results results = results(parseResult);
      if (results == null) {
        return new CommandLine.RunLast().execute(parseResult);
      }
      Runnable endPhases = results.phases();
      try {
        return new CommandLine.RunLast().execute(parseResult);
      } finally {
        endPhases.run();
      }
    });
    cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
      commandLine.getErr().println("shrink: error: " + message(e));
      if (System.getenv("SHRINK_DEBUG") != null) {
        e.printStackTrace(commandLine.getErr());
      }
      return 1;
    });
    cli.setParameterExceptionHandler((e, params) -> {
      CommandLine c = e.getCommandLine();
      c.getErr().println("shrink: " + e.getMessage());
      c.getErr().println("Try '" + c.getCommandSpec().qualifiedName() + " --help' for more information.");
      return 2;
    });
    try {
      return cli.execute(args);
    } catch (OutOfMemoryError e) {
      cli.getErr().println("shrink: error: " + message(e));
      return 1;
    }
  }

  /** The {@link Results} options of the command that runs (copy, minify, build), or null. */
  private static Results results(CommandLine.ParseResult parseResult) {
    CommandLine.ParseResult last = parseResult;
    while (last.hasSubcommand()) {
      last = last.subcommand();
    }
    for (CommandLine.Model.CommandSpec mixin : last.commandSpec().mixins().values()) {
      if (mixin.userObject() instanceof Results r) {
        return r;
      }
    }
    return null;
  }

  static String message(Throwable e) {
    for (Throwable c = e; c != null; c = c.getCause()) {
      if (c instanceof OutOfMemoryError) {
        return "out of memory (" + c.getMessage() + ", heap at most " + Runtime.getRuntime().maxMemory() / (1 << 20)
            + " MiB): SHRINK_JAVA_OPTS=-Xmx1g gives it more";
      }
    }
    if (e instanceof FileSystemException f) {
      return fileError(f);
    }
    String m = e.getMessage();
    m = m == null || m.isBlank() ? e.getClass().getSimpleName() : m;
    return e.getCause() instanceof FileSystemException f ? m + ": " + fileError(f) : m;
  }

  /** {@code FILE: WHY}: Java's file exceptions often carry only the file's name, the cause being their class. */
  private static String fileError(FileSystemException f) {
    String why = f.getReason();
    if (why == null) {
      why = f instanceof NoSuchFileException ? "no such file or directory"
          : f instanceof AccessDeniedException ? "permission denied"
          : f instanceof FileAlreadyExistsException ? "already exists"
          : f instanceof NotDirectoryException ? "not a directory"
          : f instanceof DirectoryNotEmptyException ? "directory not empty" : f.getClass().getSimpleName();
    }
    return f.getFile() + (f.getOtherFile() == null ? "" : " -> " + f.getOtherFile()) + ": " + why;
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"shrink " + ShrinkVersion.get()};
    }
  }
}

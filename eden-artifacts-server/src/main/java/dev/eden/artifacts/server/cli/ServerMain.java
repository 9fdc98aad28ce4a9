package dev.eden.artifacts.server.cli;

import java.util.function.UnaryOperator;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * Entry point of the runnable reference server ({@code java -jar eden-artifacts-server.jar}):
 * {@code serve} runs the server, {@code add-worker} enrols a worker, {@code import-workers} copies
 * the file registry's workers into a database, {@code gc} collects garbage, {@code scrub} checks
 * the stored bytes against their recorded size and digest.
 *
 * <p>Every option {@code --foo-bar} of every subcommand is also read from the environment
 * variable {@code EDEN_FOO_BAR} (booleans {@code true}/{@code false}, repeatable options
 * comma-separated); an option on the command line wins.
 */
@Command(
    name = "eden-artifacts-server",
    mixinStandardHelpOptions = true,
    versionProvider = ServerMain.Version.class,
    description = "EDEN artifact transfer server: workers deposit bytes over multipart HTTP and fetch them back by opaque URI.",
    subcommands = {ServeCommand.class, AddWorkerCommand.class, ImportWorkersCommand.class, GcCommand.class,
        ScrubCommand.class,
        CommandLine.HelpCommand.class})
public final class ServerMain {

  private ServerMain() {}

  public static void main(String[] args) {
    ServerLogging.configure();
    int exit = commandLine(System::getenv).execute(args);
    if (exit != 0) {
      System.exit(exit);
    }
  }

  /**
   * The command line of the server, its options also read from {@code environment}.
   *
   * @param environment looks up an environment variable; {@code null} when unset
   */
  static CommandLine commandLine(UnaryOperator<String> environment) {
    CommandLine commandLine = EnvironmentOptions.install(new CommandLine(new ServerMain()), environment);
    commandLine.setExecutionExceptionHandler((e, cl, parsed) -> {
      if (!(e instanceof StartupFailure)) {
        throw e;
      }
      cl.getErr().println(cl.getCommandName() + ": " + e.getMessage());
      cl.getErr().flush();
      return 1;
    });
    return commandLine;
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = ServerMain.class.getPackage().getImplementationVersion();
      return new String[] {"eden-artifacts-server " + (v == null ? "(development build)" : v)};
    }
  }
}

package dev.eden.artifacts.cli;

import dev.eden.artifacts.client.StoreClient;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import okhttp3.OkHttpClient;
import okhttp3.Response;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/**
 * The {@code eden-artifacts} command line: deposit, fetch and stat artifacts on an EDEN server from
 * shell scripts, on {@link StoreClient}. Run it with {@code java -jar eden-artifacts.jar} or the
 * {@code eden-artifacts} launcher beside the jar; {@code --help} lists the commands, the settings
 * and the exit statuses.
 *
 * <p>Settings come from options or the environment ({@code EDEN_BASE_URL},
 * {@code EDEN_EXPERIMENT_ID}); the bearer only from {@code EDEN_BEARER} or a file named by
 * {@code --bearer-file}, never from an option value, which every user of the machine could read in
 * the process list. The bearer is never printed, not even with {@code --debug}.
 */
@Command(name = "eden-artifacts",
    mixinStandardHelpOptions = true,
    versionProvider = EdenArtifactsCli.Version.class,
    subcommands = {DepositCommand.class, FetchCommand.class, StatCommand.class,
        CommandLine.HelpCommand.class},
    description = {
        "Deposit artifacts to an EDEN server and fetch them back by their URI.",
        "",
        "Settings: --base-url or EDEN_BASE_URL, --experiment or EDEN_EXPERIMENT_ID, and the bearer "
            + "(<principal>:<secret>) in EDEN_BEARER or in a file named by --bearer-file. The bearer "
            + "is never an option value (it would show in ps) and is never printed.",
        "",
        "Progress is drawn on standard error when it is a terminal, unless --quiet."},
    synopsisSubcommandLabel = "COMMAND")
public final class EdenArtifactsCli implements Runnable {
  static final String BASE_URL_ENV = "EDEN_BASE_URL";
  static final String EXPERIMENT_ENV = "EDEN_EXPERIMENT_ID";
  static final String BEARER_ENV = "EDEN_BEARER";

  @Spec
  CommandSpec spec;

  @Option(names = "--base-url", paramLabel = "URL", scope = ScopeType.INHERIT,
      description = "The server, e.g. http://127.0.0.1:8080 (default: $" + BASE_URL_ENV + ").")
  String baseUrl;

  @Option(names = {"--experiment", "--experiment-id"}, paramLabel = "EXP", scope = ScopeType.INHERIT,
      description = "The experiment, exp_... (default: $" + EXPERIMENT_ENV + ").")
  String experiment;

  @Option(names = "--bearer-file", paramLabel = "FILE", scope = ScopeType.INHERIT,
      description = "Read the bearer <principal>:<secret> from FILE instead of the environment "
          + "variable " + BEARER_ENV + ", which holds the bearer itself. Surrounding white space "
          + "is ignored.")
  Path bearerFile;

  @Option(names = {"-q", "--quiet"}, scope = ScopeType.INHERIT,
      description = "Draw no progress bar.")
  boolean quiet;

  @Option(names = "--debug", scope = ScopeType.INHERIT,
      description = "Print each HTTP request and the stack trace of a failure on standard error "
          + "(never the bearer).")
  boolean debug;

  private final Map<String, String> env;
  private final InputStream stdin;
  private final OutputStream stdout;
  private final PrintStream stderr;
  /** The bearer once read, to scrub it from anything printed. */
  private String bearer;

  EdenArtifactsCli(Map<String, String> env, InputStream stdin, OutputStream stdout,
      PrintStream stderr) {
    this.env = env;
    this.stdin = stdin;
    this.stdout = stdout;
    this.stderr = stderr;
  }

  /**
   * Runs the command line and exits the JVM with its exit status (listed by {@code --help}).
   *
   * @param args the command line, e.g. {@code deposit run.log}
   */
  public static void main(String[] args) {
    // Unbuffered descriptors: an artifact fetched to stdout streams through without a PrintStream
    // swallowing write errors, and stdin is read as it arrives.
    OutputStream out = new FileOutputStream(FileDescriptor.out);
    PrintStream err = new PrintStream(new FileOutputStream(FileDescriptor.err), true,
        StandardCharsets.UTF_8);
    int status = new EdenArtifactsCli(System.getenv(), new FileInputStream(FileDescriptor.in), out,
        err).execute(args);
    err.flush();
    System.exit(status);
  }

  /** Parses and runs {@code args}; the exit status. */
  int execute(String... args) {
    for (String arg : args) {
      if (arg.equals("--bearer") || arg.startsWith("--bearer=")) {
        // Refused before parsing, so that no message can repeat the value that follows it.
        stderr.println("eden-artifacts: usage: there is no --bearer option: a bearer on the command "
            + "line is visible to every user in the process list; set " + BEARER_ENV
            + " or pass --bearer-file FILE");
        return ExitStatus.USAGE;
      }
    }
    CommandLine cli = new CommandLine(this);
    cli.setOut(new PrintWriter(new java.io.OutputStreamWriter(stdout, StandardCharsets.UTF_8), true));
    cli.setErr(new PrintWriter(new java.io.OutputStreamWriter(stderr, StandardCharsets.UTF_8), true));
    cli.setExecutionExceptionHandler((failure, commandLine, parsed) -> fail(failure));
    cli.setParameterExceptionHandler(this::usage);
    cli.setExitCodeExceptionMapper(failure -> ExitStatus.of(failure).status());
    applyExitCodeList(cli);
    return cli.execute(args);
  }

  private static void applyExitCodeList(CommandLine cli) {
    cli.getCommandSpec().usageMessage()
        .exitCodeListHeading("%nExit status:%n")
        .exitCodeList(ExitStatus.HELP);
    for (CommandLine sub : cli.getSubcommands().values()) {
      applyExitCodeList(sub);
    }
  }

  /** {@code eden-artifacts} without a command: a usage error. */
  @Override
  public void run() {
    throw new ParameterException(spec.commandLine(), "a command is required: deposit, fetch or stat");
  }

  private int usage(ParameterException e, String[] args) {
    stderr.println(scrub("eden-artifacts: usage: " + e.getMessage()).replaceAll("[\\r\\n]+", " "));
    stderr.println("Try 'eden-artifacts " + subcommandPath(e.getCommandLine()) + "--help'.");
    if (debug) {
      stderr.print(scrub(stackTrace(e)));
    }
    return ExitStatus.USAGE;
  }

  private static String subcommandPath(CommandLine command) {
    StringBuilder path = new StringBuilder();
    for (CommandLine c = command; c != null && c.getParent() != null; c = c.getParent()) {
      path.insert(0, c.getCommandName() + " ");
    }
    return path.toString();
  }

  private int fail(Exception failure) {
    if (failure instanceof ParameterException e) {
      return usage(e, new String[0]);
    }
    ExitStatus.Outcome outcome = ExitStatus.of(failure);
    stderr.println(scrub(outcome.line()));
    if (debug) {
      stderr.print(scrub(stackTrace(failure)));
    }
    return outcome.status();
  }

  private static String stackTrace(Throwable failure) {
    StringWriter trace = new StringWriter();
    failure.printStackTrace(new PrintWriter(trace));
    return trace.toString();
  }

  /**
   * {@code text} with the bearer and its secret replaced: the client already keeps them out of its
   * messages; this is the last line of defence for everything this command prints.
   */
  String scrub(String text) {
    String known = bearer != null ? bearer : setting(null, BEARER_ENV);
    if (known == null) {
      return text;
    }
    String scrubbed = text.replace(known, "<bearer>");
    String secret = known.substring(known.indexOf(':') + 1);
    // A very short secret would turn ordinary words into noise; the client never prints it anyway.
    return secret.length() >= 4 ? scrubbed.replace(secret, "<secret>") : scrubbed;
  }

  // -------------------------------------------------------------------------------------------
  // What the commands share

  InputStream stdin() {
    return stdin;
  }

  OutputStream stdout() {
    return stdout;
  }

  /**
   * Writes {@code line} and a newline to standard output, flushed.
   *
   * @throws StdoutClosedException if standard output refuses it
   */
  void println(String line) throws IOException {
    try {
      stdout.write((line + System.lineSeparator()).getBytes(StandardCharsets.UTF_8));
      stdout.flush();
    } catch (IOException e) {
      throw new StdoutClosedException(e, -1);
    }
  }

  /** A progress listener for {@code task}, drawing only on a terminal and without --quiet. */
  Progress progress(String task) {
    return Progress.onStderr(task, stderr, quiet, env);
  }

  /**
   * A client for the configured server, experiment and bearer.
   *
   * @throws ParameterException (usage, exit 2) when a setting is missing or malformed
   */
  StoreClient client(CommandSpec command) {
    String url = setting(baseUrl, BASE_URL_ENV);
    if (url == null) {
      throw new ParameterException(command.commandLine(),
          "no server: pass --base-url URL or set " + BASE_URL_ENV);
    }
    String exp = setting(experiment, EXPERIMENT_ENV);
    if (exp == null) {
      throw new ParameterException(command.commandLine(),
          "no experiment: pass --experiment exp_... or set " + EXPERIMENT_ENV);
    }
    String source;
    if (bearerFile != null) {
      source = "--bearer-file " + bearerFile;
      try {
        bearer = Files.readString(bearerFile, StandardCharsets.UTF_8).strip();
      } catch (IOException e) {
        throw new ParameterException(command.commandLine(),
            "cannot read the bearer file " + bearerFile + ": " + ExitStatus.of(e).line()
                .substring("eden-artifacts: ".length()));
      }
    } else {
      source = BEARER_ENV;
      bearer = setting(null, BEARER_ENV);
      if (bearer == null) {
        throw new ParameterException(command.commandLine(),
            "no bearer: set " + BEARER_ENV + " or pass --bearer-file FILE");
      }
    }
    StoreClient.Builder builder = StoreClient.builder()
        .userAgent("eden-artifacts-cli/" + Version.text())
        // The client's own defaults, stated because --debug hands it an OkHttpClient of ours.
        .connectTimeout(Duration.ofSeconds(10))
        .readTimeout(Duration.ofSeconds(60))
        .writeTimeout(Duration.ofSeconds(60));
    try {
      builder.baseUrl(url).experimentId(exp);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(command.commandLine(), e.getMessage());
    }
    try {
      builder.bearer(bearer);
    } catch (IllegalArgumentException e) {
      // The builder's message never repeats the value.
      throw new ParameterException(command.commandLine(), "the bearer from " + source + ": "
          + e.getMessage());
    }
    if (debug) {
      String principal = bearer.substring(0, Math.max(0, bearer.indexOf(':')));
      stderr.println(scrub("eden-artifacts: debug: server " + url + ", experiment " + exp
          + ", principal " + principal + " (bearer from " + source + ")"));
      builder.okHttpClient(new OkHttpClient.Builder().addInterceptor(chain -> {
        long start = System.nanoTime();
        String request = chain.request().method() + " " + chain.request().url();
        try {
          Response response = chain.proceed(chain.request());
          stderr.println(scrub("eden-artifacts: debug: " + request + " -> " + response.code() + " ("
              + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start) + " ms)"));
          return response;
        } catch (IOException e) {
          stderr.println(scrub("eden-artifacts: debug: " + request + " -> " + e));
          throw e;
        }
      }).build());
    }
    return builder.build();
  }

  private String setting(String flag, String envName) {
    String value = flag != null ? flag : env.get(envName);
    return value == null || value.isBlank() ? null : value.strip();
  }

  /** The build's version, from {@code version.properties}. */
  static final class Version implements IVersionProvider {
    static String text() {
      Properties properties = new Properties();
      try (InputStream in = EdenArtifactsCli.class.getResourceAsStream("version.properties")) {
        if (in != null) {
          properties.load(in);
        }
      } catch (IOException e) {
        // fall through to "unknown"
      }
      return properties.getProperty("version", "unknown");
    }

    @Override
    public String[] getVersion() {
      return new String[] {"eden-artifacts " + text()};
    }
  }
}

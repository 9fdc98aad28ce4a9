package dev.eden.artifacts.server.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.eden.artifacts.ExperimentId;
import dev.eden.artifacts.server.auth.CredentialRegistry;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Help;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;

/** Every option of the runnable server's subcommands, also read from {@code EDEN_*} variables. */
class EnvironmentOptionsTest {
  private static final String EXPERIMENT_A = ExperimentId.mint().value();
  private static final String EXPERIMENT_B = ExperimentId.mint().value();
  private static final String GROUP = "grp_0123456789abcdefghjkmnpqrs";

  @TempDir Path dir;

  record Run(int exit, String out, String err) {}

  private static CommandLine server(Map<String, String> environment) {
    return ServerMain.commandLine(environment::get);
  }

  private static Run run(Map<String, String> environment, String... args) {
    return run(server(environment), args);
  }

  private static Run run(CommandLine cli, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    int exit = cli.execute(args);
    return new Run(exit, out.toString(), err.toString());
  }

  /** {@code serve ARGS} parsed (not run) with {@code environment}. */
  private static ServeCommand serve(Map<String, String> environment, String... args) {
    CommandLine cli = server(environment);
    List<String> line = new ArrayList<>(List.of("serve"));
    line.addAll(List.of(args));
    cli.parseArgs(line.toArray(String[]::new));
    return cli.getSubcommands().get("serve").getCommand();
  }

  private static List<CommandLine> commandTree(CommandLine root) {
    List<CommandLine> all = new ArrayList<>(List.of(root));
    for (CommandLine sub : root.getSubcommands().values()) {
      all.addAll(commandTree(sub));
    }
    return all;
  }

  @Test
  void aVariableIsTheFlagInUpperCaseWithUnderscoresAfterEden() {
    assertThat(EnvironmentOptions.variableFor("--db")).isEqualTo("EDEN_DB");
    assertThat(EnvironmentOptions.variableFor("--data-dir")).isEqualTo("EDEN_DATA_DIR");
    assertThat(EnvironmentOptions.variableFor("--blob-store")).isEqualTo("EDEN_BLOB_STORE");
    assertThat(EnvironmentOptions.variableFor("--s3-path-style")).isEqualTo("EDEN_S3_PATH_STYLE");
    assertThat(EnvironmentOptions.variableFor("--experiment-id")).isEqualTo("EDEN_EXPERIMENT_ID");
    assertThat(EnvironmentOptions.variableFor("-p")).isEqualTo("EDEN_P");
    assertThat(EnvironmentOptions.variableFor("--gc.interval")).isEqualTo("EDEN_GC_INTERVAL");
  }

  @Test
  void everyOptionOfEverySubcommandShowsItsVariableInTheHelp() {
    int mapped = 0;
    List<String> commands = new ArrayList<>();
    for (CommandLine command : commandTree(server(Map.of()))) {
      commands.add(command.getCommandName());
      String help = command.getUsageMessage(Help.Ansi.OFF);
      for (OptionSpec option : command.getCommandSpec().options()) {
        String lastLine = option.description()[option.description().length - 1];
        if (option.usageHelp() || option.versionHelp()) {
          assertThat(EnvironmentOptions.readsEnvironment(option)).isFalse();
          assertThat(String.join(" ", option.description())).doesNotContain("[env:");
          continue;
        }
        String longName = option.longestName();
        assertThat(longName).startsWith("--");
        String variable = "EDEN_" + longName.substring(2).toUpperCase(Locale.ROOT).replace('-', '_');
        assertThat(EnvironmentOptions.variableFor(option)).isEqualTo(variable);
        assertThat(variable).isNotEqualTo(ServeCommand.ADMIN_TOKEN_ENV);
        assertThat(lastLine).as(longName).startsWith("[env: " + variable);
        assertThat(help).as(command.getCommandName()).contains(lastLine);
        mapped++;
      }
    }
    assertThat(commands).contains("serve", "add-worker");
    assertThat(mapped).isGreaterThanOrEqualTo(11);
  }

  @Test
  void serveTakesEveryKindOfValueFromTheEnvironmentAlone() {
    Path data = dir.resolve("data");
    ServeCommand serve = serve(Map.of(
        "EDEN_HOST", "0.0.0.0",
        "EDEN_PORT", "9091",
        "EDEN_MAX_ARTIFACT_BYTES", "4096",
        "EDEN_DATA_DIR", data.toString(),
        "EDEN_SWEEP_TEMPS_OLDER_THAN", "PT2H",
        "EDEN_EXPERIMENT_ID", EXPERIMENT_A + "," + EXPERIMENT_B,
        "EDEN_DB", "jdbc:postgresql://db:5432/eden?user=eden&password=pw",
        "EDEN_CONSOLE", "false"));
    assertThat(serve.host).isEqualTo("0.0.0.0");
    assertThat(serve.port).isEqualTo(9091);
    assertThat(serve.maxArtifactBytes).isEqualTo(4096);
    assertThat(serve.storage.dataDir).isEqualTo(data);
    assertThat(serve.sweepTempsOlderThan).isEqualTo(Duration.ofHours(2));
    assertThat(serve.experimentOptions.experimentIds).containsExactly(EXPERIMENT_A, EXPERIMENT_B);
    assertThat(serve.storage.db).isEqualTo("jdbc:postgresql://db:5432/eden?user=eden&password=pw");
    assertThat(serve.console).isFalse();
  }

  @Test
  void withoutVariablesTheDeclaredDefaultsHold() {
    ServeCommand serve = serve(Map.of());
    assertThat(serve.host).isEqualTo("127.0.0.1");
    assertThat(serve.port).isEqualTo(8080);
    assertThat(serve.storage.dataDir).isEqualTo(Path.of("./eden-data"));
    assertThat(serve.experimentOptions.experimentIds).isEmpty();
    assertThat(serve.storage.db).isNull();
    assertThat(serve.console).isNull();
  }

  @Test
  void consoleFromTheEnvironmentMeansTheFlagOrItsNoForm() {
    assertThat(serve(Map.of("EDEN_CONSOLE", "true")).console).isTrue();
    assertThat(serve(Map.of("EDEN_CONSOLE", "false")).console).isFalse();
    // the command line wins, both ways
    assertThat(serve(Map.of("EDEN_CONSOLE", "true"), "--no-console").console).isFalse();
    assertThat(serve(Map.of("EDEN_CONSOLE", "false"), "--console").console).isTrue();
    assertThat(serve(Map.of("EDEN_CONSOLE", "true"), "--console").console).isTrue();
    assertThat(serve(Map.of("EDEN_CONSOLE", "false"), "--no-console").console).isFalse();
  }

  @Test
  void addWorkerTakesItsDataDirectoryAndGroupsFromTheEnvironment() throws Exception {
    Path data = dir.resolve("workers");
    Run run = run(Map.of("EDEN_DATA_DIR", data.toString(), "EDEN_GROUP", "admins," + GROUP), "add-worker");
    assertThat(run.exit()).as(run.err()).isZero();
    List<String> lines = run.out().lines().toList();
    String bearer = lines.get(lines.size() - 1);
    CredentialRegistry registry = CredentialRegistry.open(data.resolve(CredentialRegistry.FILE_NAME));
    assertThat(registry.groups(bearer.substring(0, bearer.indexOf(':')))).containsExactlyInAnyOrder("admins", GROUP);
  }

  @Test
  void theCommandLineWinsOverTheEnvironment() {
    Map<String, String> environment = Map.of(
        "EDEN_PORT", "9091", "EDEN_HOST", "0.0.0.0", "EDEN_EXPERIMENT_ID", EXPERIMENT_A + "," + EXPERIMENT_B);
    ServeCommand serve = serve(environment, "--port", "7070", "--experiment-id", EXPERIMENT_B);
    assertThat(serve.port).isEqualTo(7070);
    assertThat(serve.experimentOptions.experimentIds).containsExactly(EXPERIMENT_B); // replaced, not merged
    assertThat(serve.host).isEqualTo("0.0.0.0");
    // a bad variable the command line overrides is never looked at
    assertThat(serve(Map.of("EDEN_PORT", "abc", "EDEN_CONSOLE", "yes"), "--port=7071", "--no-console"))
        .satisfies(s -> assertThat(s.port).isEqualTo(7071))
        .satisfies(s -> assertThat(s.console).isFalse());
  }

  @Test
  void aRepeatableOptionAlsoTakesACommaSeparatedListOnTheCommandLine() {
    assertThat(serve(Map.of(), "--experiment-id", EXPERIMENT_A + "," + EXPERIMENT_B).experimentOptions.experimentIds)
        .containsExactly(EXPERIMENT_A, EXPERIMENT_B);
  }

  @Test
  void aBadBooleanInTheEnvironmentIsAUsageErrorNamingTheVariable() {
    for (String bad : List.of("yes", "TRUE", "1", "on")) {
      Run run = run(Map.of("EDEN_CONSOLE", bad, "EDEN_DATA_DIR", dir.toString()), "serve", "--port", "0");
      assertThat(run.exit()).as(bad).isEqualTo(2);
      assertThat(run.err()).as(bad).contains("EDEN_CONSOLE").contains("'" + bad + "'").contains("--console");
    }
  }

  @Test
  void aBadNumberInTheEnvironmentIsAUsageErrorNamingTheVariable() {
    Run notAnInt = run(Map.of("EDEN_PORT", "abc", "EDEN_DATA_DIR", dir.toString()), "serve");
    assertThat(notAnInt.exit()).isEqualTo(2);
    assertThat(notAnInt.err().lines().findFirst()).hasValue(
        "Invalid value for option '--port': 'abc' is not an int (from environment variable EDEN_PORT)");

    Run outOfRange = run(Map.of("EDEN_PORT", "70000", "EDEN_DATA_DIR", dir.toString()), "serve");
    assertThat(outOfRange.exit()).isEqualTo(2);
    assertThat(outOfRange.err().lines().findFirst()).hasValue(
        "--port must be in 0..65535 (--port from environment variable EDEN_PORT)");

    Run badDuration = run(Map.of("EDEN_SWEEP_TEMPS_OLDER_THAN", "15m", "EDEN_DATA_DIR", dir.toString()), "serve");
    assertThat(badDuration.exit()).isEqualTo(2);
    assertThat(badDuration.err()).contains("--sweep-temps-older-than").contains("EDEN_SWEEP_TEMPS_OLDER_THAN");

    Run badItem = run(Map.of("EDEN_EXPERIMENT_ID", EXPERIMENT_A + ",exp_NOPE", "EDEN_DATA_DIR", dir.toString(),
        "EDEN_PORT", "0"), "serve");
    assertThat(badItem.exit()).isEqualTo(2);
    assertThat(badItem.err()).contains("exp_NOPE").contains("EDEN_EXPERIMENT_ID");
  }

  @Test
  void aBadValueOnTheCommandLineIsNotBlamedOnTheEnvironment() {
    for (Map<String, String> environment : List.of(Map.<String, String>of(), Map.of("EDEN_PORT", "abc"))) {
      Run run = run(environment, "serve", "--port", "abc");
      assertThat(run.exit()).isEqualTo(2);
      assertThat(run.err().lines().findFirst()).hasValue("Invalid value for option '--port': 'abc' is not an int");
    }
    Run outOfRange = run(Map.of("EDEN_PORT", "70000"), "serve", "--port", "70000", "--data-dir", dir.toString());
    assertThat(outOfRange.exit()).isEqualTo(2);
    assertThat(outOfRange.err().lines().findFirst()).hasValue("--port must be in 0..65535");
  }

  @Test
  void anEmptyVariableCountsAsUnset() {
    ServeCommand serve = serve(Map.of("EDEN_PORT", "", "EDEN_EXPERIMENT_ID", "", "EDEN_CONSOLE", "", "EDEN_DB", ""));
    assertThat(serve.port).isEqualTo(8080);
    assertThat(serve.experimentOptions.experimentIds).isEmpty();
    assertThat(serve.console).isNull();
    assertThat(serve.storage.db).isNull();
  }

  @Test
  void helpNamesTheVariablesButNeverShowsTheirValues() {
    Map<String, String> environment = Map.of(
        "EDEN_PORT", "9091", "EDEN_DB", "jdbc:postgresql://db/eden?password=hunter2", "EDEN_HOST", "192.0.2.7");
    Run run = run(environment, "serve", "--help");
    assertThat(run.exit()).isZero();
    assertThat(run.out()).contains("[env: EDEN_PORT]").contains("[env: EDEN_DB]")
        .contains("[env: EDEN_CONSOLE=true|false]").contains("[env: EDEN_EXPERIMENT_ID, comma-separated]")
        .contains("(default: 127.0.0.1)")
        .doesNotContain("9091").doesNotContain("hunter2").doesNotContain("192.0.2.7");
    assertThat(run(environment, "help", "serve").out()).isEqualTo(run.out());
  }

  @Test
  void badVariablesDoNotStandInTheWayOfTheHelp() {
    Run run = run(Map.of("EDEN_PORT", "abc", "EDEN_CONSOLE", "maybe"), "serve", "--help");
    assertThat(run.exit()).as(run.err()).isZero();
    assertThat(run.out()).contains("--port");
  }

  @Test
  void helpAndVersionAreNotReadFromTheEnvironment() {
    CommandLine cli = server(Map.of("EDEN_HELP", "true", "EDEN_VERSION", "true"));
    CommandLine.ParseResult parsed = cli.parseArgs("serve");
    assertThat(parsed.subcommand().isUsageHelpRequested()).isFalse();
    assertThat(parsed.subcommand().isVersionHelpRequested()).isFalse();
  }

  @Test
  void aValueIsTakenLiterallyDollarsIncluded() {
    String db = "jdbc:postgresql://db/eden?password=a$$b${sys:user.home}${env:HOME}$";
    assertThat(serve(Map.of("EDEN_DB", db)).storage.db).isEqualTo(db);
  }

  @Test
  void theAdminTokenVariableStaysTheAdminToken() {
    for (CommandLine command : commandTree(server(Map.of()))) {
      assertThat(command.getCommandSpec().findOption("--admin-token")).isNull();
    }
    assertThatThrownBy(() -> install(new TokenCommand()))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("EDEN_ADMIN_TOKEN");
  }

  // A command tree of the kind still to come, to show the rule needs no code per option or command.

  @Command(name = "gc", mixinStandardHelpOptions = true)
  static final class GcCommand implements Runnable {
    @Option(names = "--grace", defaultValue = "PT24H", description = "Grace period.")
    Duration grace;

    @Option(names = "--dry-run", description = "Report only.")
    boolean dryRun;

    @Option(names = "--verify", negatable = true, defaultValue = "true", description = "Verify (picocli: --verify flips the default).")
    boolean verify;

    @Option(names = "--limit", description = "Limits; repeatable.")
    List<Integer> limits = new ArrayList<>();

    @Override
    public void run() {}
  }

  @Command(name = "tool", subcommands = GcCommand.class)
  static final class ToolCommand implements Runnable {
    @Override
    public void run() {}
  }

  @Command(name = "token")
  static final class TokenCommand implements Runnable {
    @Option(names = "--admin-token")
    String token;

    @Override
    public void run() {}
  }

  @Command(name = "clash")
  static final class ClashCommand implements Runnable {
    @Option(names = "--foo-bar")
    String dashed;

    @Option(names = "--foo.bar")
    String dotted;

    @Override
    public void run() {}
  }

  static final class Exclusive {
    @Option(names = "--a")
    String a;

    @Option(names = "--b")
    String b;
  }

  @Command(name = "grouped")
  static final class GroupedCommand implements Runnable {
    @ArgGroup(exclusive = true)
    Exclusive exclusive;

    @Override
    public void run() {}
  }

  private static CommandLine install(Object command) {
    return install(command, Map.of());
  }

  private static CommandLine install(Object command, Map<String, String> environment) {
    UnaryOperator<String> lookup = environment::get;
    return EnvironmentOptions.install(new CommandLine(command), lookup);
  }

  private static GcCommand gc(Map<String, String> environment, String... args) {
    CommandLine cli = install(new ToolCommand(), environment);
    List<String> line = new ArrayList<>(List.of("gc"));
    line.addAll(List.of(args));
    cli.parseArgs(line.toArray(String[]::new));
    return cli.getSubcommands().get("gc").getCommand();
  }

  @Test
  void anyCommandTreeIsCoveredWithoutCodeOfItsOwn() {
    GcCommand gc = gc(Map.of("EDEN_GRACE", "PT1H", "EDEN_DRY_RUN", "true", "EDEN_LIMIT", "1,2,3"));
    assertThat(gc.grace).isEqualTo(Duration.ofHours(1));
    assertThat(gc.dryRun).isTrue();
    assertThat(gc.limits).containsExactly(1, 2, 3);
    assertThat(gc(Map.of("EDEN_DRY_RUN", "false")).dryRun).isFalse();
    assertThat(gc(Map.of("EDEN_DRY_RUN", "false"), "--dry-run").dryRun).isTrue();
    assertThat(gc(Map.of()).grace).isEqualTo(Duration.ofHours(24));
  }

  @Test
  void aBooleanVariableActsAsTheFlagOrItsNoFormWhateverTheDeclaredDefault() {
    // picocli's own meaning of a flag declared true by default is kept: --verify sets false
    for (String flag : List.of("--verify", "--no-verify")) {
      Map<String, String> environment = Map.of("EDEN_VERIFY", flag.equals("--verify") ? "true" : "false");
      assertThat(gc(environment).verify).as(flag).isEqualTo(gc(Map.of(), flag).verify);
      for (String value : List.of("true", "false")) {
        assertThat(gc(Map.of("EDEN_VERIFY", value), flag).verify).as(flag + " over " + value)
            .isEqualTo(gc(Map.of(), flag).verify);
      }
    }
  }

  @Test
  void aBadListItemInTheEnvironmentIsAUsageErrorNamingTheVariable() {
    Run run = run(install(new ToolCommand(), Map.of("EDEN_LIMIT", "1,x")), "gc");
    assertThat(run.exit()).isEqualTo(2);
    assertThat(run.err().lines().findFirst()).hasValue(
        "Invalid value for option '--limit' (<limits>): 'x' is not an int (from environment variable EDEN_LIMIT)");
  }

  @Test
  void installingRefusesWhatItCannotHonour() {
    assertThatThrownBy(() -> install(new ClashCommand()))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("EDEN_FOO_BAR");
    assertThatThrownBy(() -> install(new GroupedCommand()))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("argument group");
  }

  @Test
  void aProviderTheCommandHadStillAnswersWhereTheEnvironmentIsSilent() {
    CommandLine cli = new CommandLine(new ToolCommand());
    CommandLine gcLine = cli.getSubcommands().get("gc");
    gcLine.getCommandSpec().defaultValueProvider(arg -> arg.isOption()
        && ((OptionSpec) arg).longestName().equals("--grace") ? "PT5M" : null);
    Map<String, String> environment = new HashMap<>(Map.of("EDEN_LIMIT", "4"));
    EnvironmentOptions.install(cli, environment::get);
    cli.parseArgs("gc");
    GcCommand gc = gcLine.getCommand();
    assertThat(gc.grace).isEqualTo(Duration.ofMinutes(5));
    assertThat(gc.limits).containsExactly(4);
  }
}

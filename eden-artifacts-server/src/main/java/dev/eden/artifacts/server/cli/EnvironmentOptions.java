package dev.eden.artifacts.server.cli;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.IDefaultValueProvider;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * Every option {@code --foo-bar} of a command and of all its subcommands is also read from the
 * environment variable {@code EDEN_FOO_BAR}: the option's longest name without its leading dashes,
 * in upper case, every character but letters and digits turned into {@code _}, after {@value
 * #PREFIX}. {@code --help} and {@code --version} are not.
 *
 * <ul>
 *   <li>An option given on the command line wins; an unset or empty variable counts for nothing.
 *       A variable's value takes the place of the option's declared default, so picocli converts
 *       and checks it exactly like a value typed on the command line.
 *   <li>A boolean takes exactly {@code true} or {@code false}. For a flag, {@code true} acts as if
 *       the flag were given and {@code false} as if its {@code --no-} form were (for a flag without
 *       one: as if it were absent), so {@code EDEN_CONSOLE=false} means {@code --no-console}.
 *   <li>A repeatable option takes a comma-separated list: it gets picocli's split regex {@code ","}
 *       (so {@code --experiment-id A,B} works on the command line too).
 *   <li>A usage error caused by a variable's value names the variable.
 *   <li>The usage help names the variable beside each option and never shows a variable's value:
 *       while help is rendered, {@code ${DEFAULT-VALUE}} is the declared default. With {@code
 *       --help} or {@code --version} on the command line no variable is read, so a bad one cannot
 *       stand in the way of the help.
 *   <li>A value reaches the option verbatim: {@code $} in it is not picocli's variable syntax.
 * </ul>
 *
 * <p>Built on picocli's {@link IDefaultValueProvider}. Installing rebuilds each option with an extra
 * description line, the split regex above and, for a flag, a fallback value equal to what the bare
 * flag sets without the environment (else picocli would flip a default taken from the environment
 * instead of the declared one when the flag is given). Options in argument groups and inherited
 * options are refused rather than half supported; subcommands added after installing are not
 * covered.
 *
 * <p>Not thread-safe, like the {@link CommandLine} it is installed on.
 */
final class EnvironmentOptions implements IDefaultValueProvider {
  /** What every variable name starts with. */
  static final String PREFIX = "EDEN_";

  /** Variables with a meaning of their own, which no option may be read from. */
  private static final Set<String> RESERVED = Set.of(ServeCommand.ADMIN_TOKEN_ENV);

  private static final String LIST_SEPARATOR = ",";
  private static final Pattern NOT_NAME_CHARACTER = Pattern.compile("[^A-Z0-9]");

  private final UnaryOperator<String> environment;
  /** Each installed option's variable; by identity, since picocli's specs are equal by value. */
  private final Map<OptionSpec, Mapping> mappings = new IdentityHashMap<>();
  /** The provider each command had before, asked when the environment has nothing. */
  private final Map<CommandSpec, IDefaultValueProvider> previous = new IdentityHashMap<>();
  private boolean renderingHelp;
  /** The value last handed to picocli, which applies it (or fails on it) at once. */
  private Supplied lastSupplied;

  /**
   * @param flagDeclaredTrue for a flag: whether its declared default (or initial value) is true,
   *     which makes picocli's bare flag set false
   */
  private record Mapping(String variable, boolean flag, boolean flagDeclaredTrue) {}

  private record Supplied(OptionSpec option, String variable, String value) {
    /** Whether a value picocli refused is this value or one of its list items. */
    boolean gave(String refused) {
      return value.equals(refused)
          || option.isMultiValue() && !option.splitRegex().isEmpty()
              && Arrays.asList(value.split(option.splitRegex(), -1)).contains(refused);
    }
  }

  private EnvironmentOptions(UnaryOperator<String> environment) {
    this.environment = requireNonNull(environment, "environment");
  }

  /**
   * Makes every option of {@code root} and of all its subcommands readable from the environment.
   * Call it once, after the last subcommand has been added; it also wraps {@code root}'s
   * parameter exception handler (to name variables in usage errors).
   *
   * @param environment looks a variable up, {@code System::getenv} in production; returns {@code
   *     null} for an unset one
   * @return {@code root}
   * @throws IllegalStateException if an option is in an argument group or inherited, if two options
   *     of one command would be read from the same variable, or if one would be read from a variable
   *     that means something else ({@code EDEN_ADMIN_TOKEN})
   */
  static CommandLine install(CommandLine root, UnaryOperator<String> environment) {
    EnvironmentOptions options = new EnvironmentOptions(environment);
    options.installOn(root, Collections.newSetFromMap(new IdentityHashMap<>()));
    IParameterExceptionHandler handler = root.getParameterExceptionHandler();
    root.setParameterExceptionHandler((ex, args) -> handler.handleParseException(options.naming(ex), args));
    return root;
  }

  /** The variable the option named {@code name} ({@code --foo-bar}, {@code -x}) is read from. */
  static String variableFor(String name) {
    String bare = name.replaceFirst("^-+", "").toUpperCase(Locale.ROOT);
    return PREFIX + NOT_NAME_CHARACTER.matcher(bare).replaceAll("_");
  }

  /** The variable {@code option} is read from: after its longest name. */
  static String variableFor(OptionSpec option) {
    return variableFor(option.longestName());
  }

  /** Whether {@code option} is read from the environment: every option but the help ones. */
  static boolean readsEnvironment(OptionSpec option) {
    return !option.usageHelp() && !option.versionHelp();
  }

  private void installOn(CommandLine command, Set<CommandLine> done) {
    if (!done.add(command)) {
      return; // a subcommand under several names
    }
    CommandSpec spec = command.getCommandSpec();
    rebuildOptions(spec);
    previous.put(spec, spec.defaultValueProvider());
    spec.defaultValueProvider(this);
    command.getHelpSectionMap().replaceAll((key, renderer) -> help -> renderingHelp(() -> renderer.render(help)));
    for (CommandLine subcommand : new LinkedHashSet<>(command.getSubcommands().values())) {
      installOn(subcommand, done);
    }
  }

  /** Replaces each option read from the environment by its rebuilt copy, keeping their order. */
  private void rebuildOptions(CommandSpec spec) {
    List<OptionSpec> options = new ArrayList<>(spec.options());
    List<OptionSpec> rebuilt = new ArrayList<>();
    Map<String, OptionSpec> byVariable = new HashMap<>();
    for (OptionSpec option : options) {
      if (!readsEnvironment(option)) {
        rebuilt.add(option);
        continue;
      }
      String name = option.longestName() + " of '" + spec.qualifiedName() + "'";
      if (option.group() != null || option.inherited() || option.scopeType() == ScopeType.INHERIT) {
        throw new IllegalStateException(name + " is in an argument group or inherited, which reading options"
            + " from the environment does not support (share options with a @Mixin instead)");
      }
      String variable = variableFor(option);
      if (RESERVED.contains(variable)) {
        throw new IllegalStateException(name + " would be read from " + variable + ", which means something else");
      }
      OptionSpec clash = byVariable.put(variable, option);
      if (clash != null) {
        throw new IllegalStateException(name + " and " + clash.longestName() + " would both be read from " + variable);
      }
      boolean flag = isFlag(option);
      OptionSpec copy = withVariable(option, variable, flag);
      mappings.put(copy, new Mapping(variable, flag, flag && declaredTrue(option)));
      rebuilt.add(copy);
    }
    options.forEach(spec::remove);
    rebuilt.forEach(spec::addOption);
  }

  private static OptionSpec withVariable(OptionSpec option, String variable, boolean flag) {
    OptionSpec.Builder builder = OptionSpec.builder(option);
    String help;
    if (flag) {
      help = "[env: " + variable + "=true|false]";
      if (option.fallbackValue().isEmpty()) {
        // what the bare flag sets when no default comes from the environment
        builder.fallbackValue(String.valueOf(!declaredTrue(option)));
      }
    } else if (option.isMultiValue()) {
      help = "[env: " + variable + ", comma-separated]";
      if (option.splitRegex().isEmpty()) {
        builder.splitRegex(LIST_SEPARATOR);
        if (option.arity().min() == 1 && option.arity().max() == 1) {
          builder.hideParamSyntax(true); // shown as before; the env line says comma-separated
        }
      }
    } else {
      help = "[env: " + variable + "]";
    }
    String[] description = Arrays.copyOf(builder.description(), builder.description().length + 1);
    description[description.length - 1] = help;
    return builder.description(description).build();
  }

  /** A boolean option that may be given without a value. */
  private static boolean isFlag(OptionSpec option) {
    return option.typeInfo().isBoolean() && !option.isMultiValue() && option.arity().min() == 0;
  }

  private static boolean isBoolean(OptionSpec option) {
    return option.typeInfo().isBoolean() && !option.isMultiValue();
  }

  private static boolean declaredTrue(OptionSpec option) {
    String declared = option.defaultValue();
    return "true".equalsIgnoreCase(String.valueOf(declared != null ? declared : option.initialValue()));
  }

  /**
   * The option's value from its variable; with nothing there, or while help is rendered or asked
   * for, what the command's previous provider gives ({@code null} without one).
   *
   * @throws ParameterException if a boolean option's variable holds neither {@code true} nor
   *     {@code false}
   */
  @Override
  public String defaultValue(ArgSpec arg) throws Exception {
    Mapping mapping = mappings.get(arg);
    String value = mapping == null || renderingHelp || helpRequested(arg.command())
        ? null
        : environment.apply(mapping.variable());
    if (value == null || value.isEmpty()) {
      lastSupplied = null;
      IDefaultValueProvider fallback = previous.get(arg.command());
      return fallback == null ? null : fallback.defaultValue(arg);
    }
    OptionSpec option = (OptionSpec) arg;
    lastSupplied = null;
    if (isBoolean(option)) {
      if (!value.equals("true") && !value.equals("false")) {
        throw new ParameterException(arg.command().commandLine(), "Invalid value for option '"
            + option.longestName() + "' from environment variable " + mapping.variable() + ": '" + value
            + "' is neither true nor false", null, arg, value);
      }
      if (mapping.flag()) {
        return String.valueOf(value.equals("true") != mapping.flagDeclaredTrue());
      }
    }
    lastSupplied = new Supplied(option, mapping.variable(), value);
    // picocli expands ${...} and $$ in a default; a variable's value is taken as it is
    return arg.command().interpolateVariables() ? value.replace("$", "$$") : value;
  }

  /**
   * Whether {@code --help} or {@code --version} was given to {@code command}; picocli sets the
   * options from the command line before it applies defaults.
   */
  private static boolean helpRequested(CommandSpec command) {
    for (OptionSpec option : command.options()) {
      if ((option.usageHelp() || option.versionHelp()) && Boolean.TRUE.equals(option.getValue())) {
        return true;
      }
    }
    return false;
  }

  private <T> T renderingHelp(Supplier<T> render) {
    boolean outer = renderingHelp;
    renderingHelp = true;
    try {
      return render.get();
    } finally {
      renderingHelp = outer;
    }
  }

  /**
   * The usage error with the variables behind it named: the variable whose value picocli refused
   * as it applied it, or the variables of the options a command's own check names that took their
   * value from the environment.
   */
  ParameterException naming(ParameterException ex) {
    Supplied supplied = lastSupplied;
    lastSupplied = null;
    if (ex instanceof UnmatchedArgumentException || ex.getCommandLine() == null) {
      return ex;
    }
    String message = String.valueOf(ex.getMessage());
    if (ex.getArgSpec() != null) {
      boolean refusedFromEnvironment = supplied != null && ex.getArgSpec() == supplied.option()
          && supplied.gave(ex.getValue()) && !message.contains(supplied.variable());
      return refusedFromEnvironment
          ? renamed(ex, message + " (from environment variable " + supplied.variable() + ")")
          : ex;
    }
    List<String> fromEnvironment = new ArrayList<>();
    ParseResult parsed = ex.getCommandLine().getParseResult();
    for (OptionSpec option : ex.getCommandLine().getCommandSpec().options()) {
      Mapping mapping = mappings.get(option);
      if (mapping == null || message.contains(mapping.variable()) || !names(message, option)
          || parsed != null && parsed.hasMatchedOption(option)) {
        continue;
      }
      String value = environment.apply(mapping.variable());
      if (value != null && !value.isEmpty()) {
        fromEnvironment.add(option.longestName() + " from environment variable " + mapping.variable());
      }
    }
    return fromEnvironment.isEmpty()
        ? ex
        : renamed(ex, message + " (" + String.join(", ", fromEnvironment) + ")");
  }

  private static boolean names(String message, OptionSpec option) {
    for (String name : option.names()) {
      if (Pattern.compile("(?<![\\w-])" + Pattern.quote(name) + "(?![\\w-])").matcher(message).find()) {
        return true;
      }
    }
    return false;
  }

  private static ParameterException renamed(ParameterException ex, String message) {
    return ex.getArgSpec() == null && ex.getValue() == null
        ? new ParameterException(ex.getCommandLine(), message, ex)
        : new ParameterException(ex.getCommandLine(), message, ex, ex.getArgSpec(), ex.getValue());
  }
}

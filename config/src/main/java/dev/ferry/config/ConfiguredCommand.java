package dev.ferry.config;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParseResult;

/**
 * Runs a component's picocli command with its configuration layered under the flags: finds the
 * file, rejects unknown keys before anything starts, fills every flag left out from environment,
 * file or built-in default, and answers {@code --print-config}.
 */
public final class ConfiguredCommand {
  private final Component component;
  private final Map<String, String> env;

  public ConfiguredCommand(Component component, Map<String, String> env) {
    this.component = component;
    this.env = Map.copyOf(env);
  }

  /** What a main calls: {@code System.exit(ConfiguredCommand.run("agent", new AgentMain(), args))}. */
  public static int run(String component, Object command, String... args) {
    return new ConfiguredCommand(Component.named(component), System.getenv()).execute(new CommandLine(command), args);
  }

  public int execute(CommandLine cmd, String... args) {
    cmd.addMixin("config", new ConfigOptions());
    ConfigFile file;
    try {
      file = configFile(args).map(ConfigFile::read).orElseGet(ConfigFile::none);
      ConfigValidator.validate(cmd.getCommandSpec(), component, file, env);
    } catch (ConfigException e) {
      cmd.getErr().println("ferry " + component.name() + ": invalid configuration: " + e.getMessage());
      cmd.getErr().flush();
      return 2;
    }
    LayeredDefaults defaults = new LayeredDefaults(component, file, env);
    cmd.setDefaultValueProvider(defaults);
    cmd.setParameterExceptionHandler((ex, a) -> {
      // A bad value from the file or environment must say where it was written, not blame a flag nobody typed.
      String where = ex.getArgSpec() instanceof OptionSpec o && !ex.getCommandLine().getParseResult().hasMatchedOption(o)
          ? defaults.origin(LayeredDefaults.key(o)) instanceof Origin.BuiltIn ? "" : " (set in " + defaults.origin(LayeredDefaults.key(o)).describe() + ")"
          : "";
      PrintWriter err = cmd.getErr();
      err.println(ex.getMessage() + where + (ex instanceof CommandLine.MissingParameterException m ? hint(m) : ""));
      if (!CommandLine.UnmatchedArgumentException.printSuggestions(ex, err)) {
        err.println("Try '" + cmd.getCommandName() + " --help' for more information.");
      }
      err.flush();
      return cmd.getCommandSpec().exitCodeOnInvalidInput();
    });
    CommandLine.IExecutionStrategy run = new CommandLine.RunLast();
    cmd.setExecutionStrategy(parsed -> parsed.hasMatchedOption("--print-config") ? print(parsed, defaults, file, cmd.getOut())
        : run.execute(parsed));
    return cmd.execute(args);
  }

  /** Says the three places a missing required setting can be given. */
  private String hint(CommandLine.MissingParameterException missing) {
    return missing.getMissing().stream().filter(OptionSpec.class::isInstance).map(a -> LayeredDefaults.key((OptionSpec) a))
        .map(k -> " (give --" + k + ", set " + component.envName(k) + ", or write '" + k + " = ...' in "
            + component.defaultFile() + ")")
        .collect(Collectors.joining());
  }

  /** --config on the command line, else the component's variable, else the default file if it exists. */
  Optional<Path> configFile(String... args) {
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("--config") && i + 1 < args.length) {
        return Optional.of(Path.of(args[i + 1]));
      }
      if (args[i].startsWith("--config=")) {
        return Optional.of(Path.of(args[i].substring("--config=".length())));
      }
    }
    String variable = env.get(component.fileVariable());
    if (variable != null && !variable.isBlank()) {
      return Optional.of(Path.of(variable));
    }
    return Files.isRegularFile(component.defaultFile()) ? Optional.of(component.defaultFile()) : Optional.empty();
  }

  /** Prints the effective configuration as a valid configuration file, each line saying where its value came from. */
  private int print(ParseResult parsed, LayeredDefaults defaults, ConfigFile file, PrintWriter out) {
    out.println("# ferry " + component.name() + ": effective configuration (file: "
        + file.path().map(Path::toString).orElse("none") + ")");
    for (OptionSpec o : parsed.commandSpec().options()) {
      String key = LayeredDefaults.key(o);
      if (ConfigValidator.NOT_SETTABLE.contains(key)) {
        continue;
      }
      Origin origin = parsed.hasMatchedOption(o) ? new Origin.Flag() : defaults.origin(key);
      Object value = o.getValue();
      boolean unset = value == null || "".equals(value) || value instanceof Collection<?> c && c.isEmpty();
      String line = unset ? "# " + key + " =" : key + " = " + format(value);
      // The origin goes on a line of its own: values may contain '#' (shell hooks), so the file has no trailing comments.
      out.println("# " + (unset ? "not set" : origin.describe()));
      out.println(line);
    }
    out.flush();
    return 0;
  }

  private static String format(Object value) {
    return value instanceof Collection<?> c ? c.stream().map(String::valueOf).collect(Collectors.joining(","))
        : String.valueOf(value);
  }
}

package dev.ferry.config;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Supplies picocli's default for every flag the command line left out: the environment first, then
 * the configuration file, then the flag's built-in default. A flag given on the command line never
 * asks, so flags win. Remembers where each value came from for {@code --print-config} and errors.
 */
public final class LayeredDefaults implements CommandLine.IDefaultValueProvider {
  private final Component component;
  private final ConfigFile file;
  private final Map<String, String> env;
  private final Map<String, Origin> origins = new HashMap<>();

  public LayeredDefaults(Component component, ConfigFile file, Map<String, String> env) {
    this.component = component;
    this.file = file;
    this.env = Map.copyOf(env);
  }

  /** The file key of a flag: its longest name without dashes ({@code --state-dir} → {@code state-dir}). */
  public static String key(OptionSpec option) {
    return option.longestName().replaceFirst("^-+", "");
  }

  @Override
  public String defaultValue(ArgSpec arg) {
    if (!(arg instanceof OptionSpec option)) {
      return arg.defaultValue();
    }
    String key = key(option);
    String variable = component.envName(key);
    if (env.containsKey(variable)) {
      origins.put(key, new Origin.Environment(variable));
      return env.get(variable);
    }
    Optional<ConfigFile.Setting> setting = file.get(key);
    if (setting.isPresent()) {
      origins.put(key, new Origin.File(file.where(setting.get())));
      return setting.get().value();
    }
    origins.put(key, new Origin.BuiltIn());
    return option.defaultValue();
  }

  /** Where {@code key}'s value came from, had the command line not given it. */
  public Origin origin(String key) {
    return origins.getOrDefault(key, new Origin.BuiltIn());
  }
}

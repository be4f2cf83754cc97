package dev.ferry.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Checks a component's file and environment against its flags before anything starts: a key no
 * flag knows (a typo) is an error that names the key and where it was written, never ignored.
 * Values are checked by the flags' own converters when picocli applies them.
 */
public final class ConfigValidator {
  /** Flags that steer configuration itself or only print: not settable from a file. */
  static final Set<String> NOT_SETTABLE = Set.of("help", "version", "config", "print-config");

  private ConfigValidator() {}

  public static Set<String> settableKeys(CommandSpec spec) {
    Set<String> keys = new TreeSet<>();
    for (OptionSpec o : spec.options()) {
      String key = LayeredDefaults.key(o);
      if (!NOT_SETTABLE.contains(key)) {
        keys.add(key);
      }
    }
    return keys;
  }

  /** Throws a {@link ConfigException} listing every unknown key in {@code file} and every unknown {@code FERRY_<C>_} variable. */
  public static void validate(CommandSpec spec, Component component, ConfigFile file, Map<String, String> env) {
    Set<String> known = settableKeys(spec);
    List<String> problems = new ArrayList<>();
    for (ConfigFile.Setting s : file.settings().values()) {
      if (!known.contains(s.key())) {
        problems.add("unknown key '" + s.key() + "' in " + file.where(s));
      }
    }
    Set<String> knownVariables = new TreeSet<>();
    known.forEach(k -> knownVariables.add(component.envName(k)));
    knownVariables.add(component.fileVariable());
    for (String variable : new TreeSet<>(env.keySet())) {
      if (variable.startsWith(component.envPrefix()) && !knownVariables.contains(variable)) {
        problems.add("unknown environment variable " + variable);
      }
    }
    if (!problems.isEmpty()) {
      throw new ConfigException(String.join("; ", problems) + " (known keys: " + String.join(", ", known) + ")");
    }
  }
}

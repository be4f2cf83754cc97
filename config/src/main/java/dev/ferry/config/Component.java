package dev.ferry.config;

import java.nio.file.Path;
import java.util.Locale;

/**
 * A configurable Ferry component: its name gives the file ({@code /etc/ferry/agent.conf}) and the
 * environment prefix ({@code FERRY_AGENT_}); a key {@code state-dir} is overridden by {@code FERRY_AGENT_STATE_DIR}.
 */
public record Component(String name, Path defaultFile) {
  public static final Path CONFIG_DIR = Path.of("/etc/ferry");

  public static Component named(String name) {
    if (!name.matches("[a-z][a-z-]*")) {
      throw new IllegalArgumentException("component names are lower-case words, got '" + name + "'");
    }
    return new Component(name, CONFIG_DIR.resolve(name + ".conf"));
  }

  public String envPrefix() {
    return "FERRY_" + name.toUpperCase(Locale.ROOT).replace('-', '_') + "_";
  }

  public String envName(String key) {
    return envPrefix() + key.toUpperCase(Locale.ROOT).replace('-', '_');
  }

  /** The variable that names the configuration file instead of {@link #defaultFile()}. */
  public String fileVariable() {
    return envName("config");
  }
}

package dev.ferry.config;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A component's configuration file: {@code key = value} lines, {@code #} comments, keys named
 * like the command-line flags without their dashes ({@code state-dir = /var/lib/ferry/agent}).
 * Lists are comma-separated, durations ISO-8601, as on the command line.
 */
public record ConfigFile(Optional<Path> path, Map<String, Setting> settings) {
  /** One {@code key = value} line and where it was written. */
  public record Setting(String key, String value, int line) {}

  public ConfigFile {
    settings = Map.copyOf(settings);
  }

  public static ConfigFile none() {
    return new ConfigFile(Optional.empty(), Map.of());
  }

  /** Reads {@code file}; a malformed or repeated line is a {@link ConfigException} naming file and line. */
  public static ConfigFile read(Path file) {
    List<String> lines;
    try {
      lines = Files.readAllLines(file);
    } catch (java.nio.file.NoSuchFileException e) {
      throw new ConfigException("configuration file " + file + " does not exist");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read configuration file " + file, e);
    }
    Map<String, Setting> settings = new LinkedHashMap<>();
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      int eq = line.indexOf('=');
      String key = eq < 0 ? "" : line.substring(0, eq).strip();
      if (key.isEmpty()) {
        throw new ConfigException(file + " line " + (i + 1) + ": expected 'key = value', got '" + line + "'");
      }
      Setting previous = settings.put(key, new Setting(key, line.substring(eq + 1).strip(), i + 1));
      if (previous != null) {
        throw new ConfigException(file + " line " + (i + 1) + ": key '" + key + "' is already set on line "
            + previous.line());
      }
    }
    return new ConfigFile(Optional.of(file), settings);
  }

  public Optional<Setting> get(String key) {
    return Optional.ofNullable(settings.get(key));
  }

  /** "/etc/ferry/agent.conf line 3", for messages. */
  public String where(Setting s) {
    return path.map(Path::toString).orElse("(no file)") + " line " + s.line();
  }
}

package dev.ferry.agent.runtime;

import java.util.regex.Pattern;

/**
 * A container's name: 1 to 63 characters of lowercase letters, digits, '.', '_' and '-',
 * starting with a letter or digit. It becomes a directory name and a crun id, so nothing
 * else is accepted.
 */
public record ContainerId(String value) {
  public static final Pattern PATTERN = Pattern.compile("[a-z0-9][a-z0-9_.-]{0,62}");

  public ContainerId {
    if (value == null || !PATTERN.matcher(value).matches()) {
      throw new IllegalArgumentException("invalid container id " + quote(value)
          + ": use 1-63 characters of a-z, 0-9, '.', '_' or '-', starting with a letter or digit");
    }
  }

  static String quote(String value) {
    if (value == null) {
      return "(none)";
    }
    String shown = value.length() > 40 ? value.substring(0, 40) + "... (" + value.length() + " chars)" : value;
    return "'" + shown.replaceAll("\\p{Cntrl}", "?") + "'";
  }

  @Override
  public String toString() {
    return value;
  }
}

package dev.ferry.coordinator.service;

import java.util.regex.Pattern;

/**
 * What names the API accepts. Container ids follow the agent's rule (they become directory
 * names and crun ids); migration ids the same shape. Node names are host names, where
 * operators write "nodeA": letters of either case.
 */
public final class Ids {
  private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9_.-]{0,62}");
  private static final Pattern NODE = Pattern.compile("[a-zA-Z0-9][a-zA-Z0-9_.-]{0,62}");

  private Ids() {}

  public static String container(String value) {
    return require("container id", value, NAME, "a-z");
  }

  public static String node(String value) {
    return require("node name", value, NODE, "A-Z, a-z");
  }

  public static String migration(String value) {
    return require("migration id", value, NAME, "a-z");
  }

  private static String require(String what, String value, Pattern pattern, String letters) {
    if (value == null || value.isEmpty()) {
      throw RequestRejectedException.invalid(what + " is required");
    }
    if (!pattern.matcher(value).matches()) {
      String shown = value.length() > 40 ? value.substring(0, 40) + "... (" + value.length() + " chars)" : value;
      throw RequestRejectedException.invalid("invalid " + what + " '" + shown.replaceAll("\\p{Cntrl}", "?")
          + "': use 1-63 characters of " + letters + ", 0-9, '.', '_' or '-', starting with a letter or digit");
    }
    return value;
  }
}

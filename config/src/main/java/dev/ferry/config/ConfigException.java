package dev.ferry.config;

/** The configuration cannot be used as written; the message names the key and where it was set. */
public final class ConfigException extends RuntimeException {
  public ConfigException(String message) {
    super(message);
  }
}

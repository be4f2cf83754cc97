package dev.ferry.coordinator.service;

/** No migration has this id. */
public final class UnknownMigrationException extends RuntimeException {
  public UnknownMigrationException(String id) {
    super("unknown migration '" + id + "'");
  }
}

package dev.ferry.coordinator.store;

/** One migration per container: the lock is held by {@link #runningMigrationId()}. */
public final class ContainerBusyException extends RuntimeException {
  private final String containerId;
  private final String runningMigrationId;

  public ContainerBusyException(String containerId, String runningMigrationId) {
    super("container " + containerId + " is already being migrated by migration " + runningMigrationId);
    this.containerId = containerId;
    this.runningMigrationId = runningMigrationId;
  }

  public String containerId() {
    return containerId;
  }

  public String runningMigrationId() {
    return runningMigrationId;
  }
}

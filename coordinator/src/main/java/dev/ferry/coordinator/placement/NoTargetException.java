package dev.ferry.coordinator.placement;

/** Placement found no node that can take the container; the message lists why each was skipped. */
public final class NoTargetException extends RuntimeException {
  public NoTargetException(String message) {
    super(message);
  }
}

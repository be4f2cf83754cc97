package dev.ferry.coordinator.placement;

import dev.ferry.coordinator.fsm.Reason;

/** The target the caller named cannot take the migration (cordoned, NotReady, the source itself). */
public final class TargetRejectedException extends RuntimeException {
  private final Reason reason;

  public TargetRejectedException(Reason reason, String message) {
    super(message);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }
}

package dev.ferry.coordinator.service;

import dev.ferry.coordinator.fsm.Reason;

/** A request the coordinator refuses, with the stable reason the API reports. */
public final class RequestRejectedException extends RuntimeException {
  private final Reason reason;

  public RequestRejectedException(Reason reason, String message) {
    super(message);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }

  public static RequestRejectedException invalid(String message) {
    return new RequestRejectedException(Reason.INVALID_ARGUMENT, message);
  }
}

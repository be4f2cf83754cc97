package dev.ferry.coordinator.agent;

import dev.ferry.coordinator.fsm.Failure;

/** An agent call failed; the Failure says why and whether to try again. */
public final class AgentException extends RuntimeException {
  private final Failure failure;

  public AgentException(Failure failure, Throwable cause) {
    super(failure.message(), cause);
    this.failure = failure;
  }

  public AgentException(Failure failure) {
    this(failure, null);
  }

  public Failure failure() {
    return failure;
  }
}

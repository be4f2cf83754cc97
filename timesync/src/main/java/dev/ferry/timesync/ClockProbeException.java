package dev.ferry.timesync;

/** Probing another node's clocks failed; {@link #retryable()} when the node was merely unreachable or slow. */
public final class ClockProbeException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final boolean retryable;

  public ClockProbeException(String message, boolean retryable, Throwable cause) {
    super(message, cause);
    this.retryable = retryable;
  }

  public boolean retryable() {
    return retryable;
  }
}

package dev.ferry.timesync;

import java.time.Duration;

/** The wall clocks of source and target disagree by more than the configured bound. */
public final class ClockSkewTooLargeException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** The stable reason code (ferry.v1.ReasonCode) the agent reports for this failure. */
  public static final String REASON = "CLOCK_SKEW_TOO_LARGE";

  private final Duration skew;
  private final Duration bound;

  public ClockSkewTooLargeException(String message, Duration skew, Duration bound) {
    super(message);
    this.skew = skew;
    this.bound = bound;
  }

  public String reason() {
    return REASON;
  }

  public Duration skew() {
    return skew;
  }

  public Duration bound() {
    return bound;
  }
}

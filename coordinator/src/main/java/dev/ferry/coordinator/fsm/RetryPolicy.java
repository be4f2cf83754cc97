package dev.ferry.coordinator.fsm;

import java.time.Duration;
import java.util.Optional;

/**
 * Whether a failed idempotent step is tried again, and after how long. Pure: the caller counts
 * attempts and sleeps. Exponential back-off, capped.
 *
 * @param maxRetries retries after the first attempt
 */
public record RetryPolicy(int maxRetries, Duration initialBackoff, double multiplier, Duration maxBackoff) {

  public static final RetryPolicy DEFAULT = new RetryPolicy(3, Duration.ofMillis(200), 2.0, Duration.ofSeconds(5));
  public static final RetryPolicy NONE = new RetryPolicy(0, Duration.ZERO, 1.0, Duration.ZERO);

  public RetryPolicy {
    if (maxRetries < 0) {
      throw new IllegalArgumentException("maxRetries must be >= 0, was " + maxRetries);
    }
    if (multiplier < 1.0) {
      throw new IllegalArgumentException("multiplier must be >= 1, was " + multiplier);
    }
    if (initialBackoff.isNegative() || maxBackoff.compareTo(initialBackoff) < 0) {
      throw new IllegalArgumentException("need 0 <= initialBackoff <= maxBackoff, was " + initialBackoff
          + " and " + maxBackoff);
    }
  }

  /** The back-off before retry number {@code retriesSoFar + 1}, or empty when the failure is final. */
  public Optional<Duration> backoff(int retriesSoFar, Failure failure) {
    if (!failure.retryable() || retriesSoFar >= maxRetries) {
      return Optional.empty();
    }
    double nanos = initialBackoff.toNanos() * Math.pow(multiplier, retriesSoFar);
    return Optional.of(Duration.ofNanos((long) Math.min(nanos, maxBackoff.toNanos())));
  }
}

package dev.ferry.timesync;

import java.time.Duration;
import java.util.Objects;

/**
 * A container's CLOCK_MONOTONIC and CLOCK_BOOTTIME at one instant, as durations since the
 * (namespaced) clock's zero: what CRIU stores in its timens image and what the workload reads.
 */
public record ClockReading(Duration monotonic, Duration boottime) {

  public ClockReading {
    Objects.requireNonNull(monotonic, "monotonic");
    Objects.requireNonNull(boottime, "boottime");
    if (monotonic.isNegative() || boottime.isNegative()) {
      throw new IllegalArgumentException("clock readings cannot be negative: monotonic " + monotonic + ", boottime " + boottime);
    }
  }

  public static ClockReading ofNanos(long monotonicNanos, long boottimeNanos) {
    return new ClockReading(Duration.ofNanos(monotonicNanos), Duration.ofNanos(boottimeNanos));
  }

  /** Both clocks moved by the same amount (time passing while the clocks run). */
  public ClockReading plus(Duration d) {
    return new ClockReading(monotonic.plus(d), boottime.plus(d));
  }

  public ClockReading minus(Duration d) {
    return plus(d.negated());
  }
}

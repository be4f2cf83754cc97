package dev.ferry.timesync;

/** A monotonic clock in nanoseconds, injected so the logic that reads it is tested without sleeping. */
@FunctionalInterface
public interface Ticker {
  /** CLOCK_MONOTONIC of this host (on Linux, {@link System#nanoTime()} reads it). */
  Ticker SYSTEM = System::nanoTime;

  long read();
}

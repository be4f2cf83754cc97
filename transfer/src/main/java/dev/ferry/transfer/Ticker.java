package dev.ferry.transfer;

/** Monotonic nanoseconds, injected so rate and timing logic is tested without sleeping. */
@FunctionalInterface
public interface Ticker {
  Ticker SYSTEM = System::nanoTime;

  long nanos();
}

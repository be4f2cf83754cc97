package dev.ferry.agent.clock;

import java.time.Instant;
import java.time.InstantSource;
import java.util.function.LongSupplier;

/**
 * This host's CLOCK_MONOTONIC and CLOCK_REALTIME, read together so instants on one can be put
 * on the other (the realtime of a past monotonic instant, and back).
 */
public record HostClock(LongSupplier monotonic, InstantSource realtime) {
  public static final HostClock SYSTEM = new HostClock(System::nanoTime, InstantSource.system());

  public long monotonicNanos() {
    return monotonic.getAsLong();
  }

  /** CLOCK_REALTIME (epoch nanos) at a monotonic instant. */
  public long realtimeAtMonotonic(long monotonicNanos) {
    long mono = monotonic.getAsLong();
    long real = epochNanos(realtime.instant());
    return real - (mono - monotonicNanos);
  }

  /** CLOCK_MONOTONIC at a realtime instant. */
  public long monotonicAtRealtime(Instant instant) {
    long mono = monotonic.getAsLong();
    long real = epochNanos(realtime.instant());
    return mono - (real - epochNanos(instant));
  }

  public static long epochNanos(Instant i) {
    return i.getEpochSecond() * 1_000_000_000L + i.getNano();
  }
}

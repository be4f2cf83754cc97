package dev.ferry.timesync;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * How a responder's clocks relate to the caller's, from the best of several probes: its
 * realtime and monotonic clocks minus the caller's, each true to within {@code errorBound}
 * (half the round trip of the best probe, the NTP bound).
 */
public record ClockOffset(Duration realtime, Duration monotonic, Duration errorBound, Duration roundTrip, int probes) {

  public ClockOffset {
    Objects.requireNonNull(realtime, "realtime");
    Objects.requireNonNull(monotonic, "monotonic");
    Objects.requireNonNull(errorBound, "errorBound");
    Objects.requireNonNull(roundTrip, "roundTrip");
    if (errorBound.isNegative() || roundTrip.isNegative() || probes < 1) {
      throw new IllegalArgumentException("invalid clock offset: error bound " + errorBound + ", round trip " + roundTrip
          + ", probes " + probes);
    }
  }

  /** The wall-clock skew between the two hosts, whichever is ahead. */
  public Duration skew() {
    return realtime.abs();
  }

  /** An instant of the responder's CLOCK_MONOTONIC, on the caller's. */
  public long responderMonotonicToCaller(long responderNanos) {
    return responderNanos - monotonic.toNanos();
  }

  /** An instant of the caller's CLOCK_MONOTONIC, on the responder's. */
  public long callerMonotonicToResponder(long callerNanos) {
    return callerNanos + monotonic.toNanos();
  }

  /** A realtime instant stamped by the responder, on the caller's realtime clock. */
  public Instant responderRealtimeToCaller(Instant responderInstant) {
    return responderInstant.minus(realtime);
  }

  /**
   * This responder's clocks relative to {@code other}'s, both probed from the same caller (a
   * coordinator probing source and target): the caller's own clock cancels out, the two error
   * bounds add up.
   */
  public ClockOffset relativeTo(ClockOffset other) {
    return new ClockOffset(realtime.minus(other.realtime), monotonic.minus(other.monotonic),
        errorBound.plus(other.errorBound), roundTrip.plus(other.roundTrip), Math.min(probes, other.probes));
  }

  /** The offset seen from the other side. */
  public ClockOffset inverse() {
    return new ClockOffset(realtime.negated(), monotonic.negated(), errorBound, roundTrip, probes);
  }
}

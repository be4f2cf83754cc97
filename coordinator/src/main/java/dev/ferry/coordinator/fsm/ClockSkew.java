package dev.ferry.coordinator.fsm;

import java.time.Duration;
import java.util.Objects;

/**
 * The wall-clock skew preflight measured between the nodes (DESIGN.md "Clocks": CLOCK_REALTIME
 * is the host's, so the container sees this step when it moves).
 *
 * @param realtime   the target's CLOCK_REALTIME minus the source's
 * @param errorBound how far off the measurement can be (NTP bound of both probes)
 * @param warning    why it exceeded the bound and was let through (warn mode); empty when within
 */
public record ClockSkew(Duration realtime, Duration errorBound, String warning) {

  public ClockSkew {
    Objects.requireNonNull(realtime, "realtime");
    Objects.requireNonNull(errorBound, "errorBound");
    warning = warning == null ? "" : warning;
  }
}

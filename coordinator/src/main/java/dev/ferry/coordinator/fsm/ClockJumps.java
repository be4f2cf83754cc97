package dev.ferry.coordinator.fsm;

import java.time.Duration;

/**
 * What the container's clocks did across the blackout, as the target measured them after the
 * restore (DESIGN.md "Clocks": every migration records them).
 *
 * @param fallbackReason why the policy was not applied (CRIU's recorded offsets were kept); empty when it was
 */
public record ClockJumps(Duration monotonic, Duration boottime, Duration realtime, Duration blackout,
    ClockPolicy policy, String fallbackReason) {

  public ClockJumps {
    fallbackReason = fallbackReason == null ? "" : fallbackReason;
  }
}

package dev.ferry.agent.clock;

import dev.ferry.timesync.ClockPolicy;
import java.time.Duration;

/**
 * How far the container's clocks moved between its freeze on the source and its resume here,
 * as the agent measured them (the image values CRIU was given, the restore's timing, the host's
 * clocks), and the blackout itself.
 *
 * @param fallback why the policy was not applied and CRIU's plain behaviour was used; null when it was
 */
public record ClockJumps(ClockPolicy policy, Duration monotonic, Duration boottime, Duration realtime, Duration blackout,
    String fallback) {

  public boolean applied() {
    return fallback == null;
  }
}

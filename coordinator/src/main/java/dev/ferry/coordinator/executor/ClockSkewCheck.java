package dev.ferry.coordinator.executor;

import dev.ferry.coordinator.fsm.ClockSkew;
import dev.ferry.coordinator.fsm.Failure;
import dev.ferry.coordinator.fsm.Reason;
import dev.ferry.timesync.ClockOffset;
import dev.ferry.timesync.ClockSkewTooLargeException;
import dev.ferry.timesync.SkewGuard;
import java.time.Duration;
import java.util.Objects;

/**
 * Preflight's wall-clock check (DESIGN.md "Clocks"): the coordinator probes both agents' Clock
 * service, relates the two offsets (its own clock cancels out) and lets the {@link SkewGuard}
 * decide. The agents never call each other for it, so no node-to-node path is needed at preflight.
 */
public final class ClockSkewCheck {

  /** What preflight does with the measured skew. */
  public sealed interface Outcome {
    ClockSkew skew();

    record Pass(ClockSkew skew) implements Outcome {}

    record Refuse(ClockSkew skew, Failure failure) implements Outcome {}
  }

  /** NTP keeps healthy nodes within a few ms; 100 ms is a clock that is not synchronised at all. */
  public static final SkewGuard DEFAULT_GUARD = new SkewGuard(Duration.ofMillis(100), SkewGuard.Mode.REFUSE);

  private final SkewGuard guard;

  public ClockSkewCheck(SkewGuard guard) {
    this.guard = Objects.requireNonNull(guard, "guard");
  }

  /**
   * @param source the source agent's clocks relative to the coordinator's
   * @param target the target agent's clocks relative to the coordinator's
   */
  public Outcome decide(String sourceNode, ClockOffset source, String targetNode, ClockOffset target) {
    ClockOffset between = target.relativeTo(source);
    String nodes = "target " + targetNode + " vs source " + sourceNode + ": ";
    try {
      return switch (guard.check(between)) {
        case SkewGuard.Verdict.Within w -> new Outcome.Pass(skew(between, ""));
        case SkewGuard.Verdict.Exceeded x -> new Outcome.Pass(skew(between, nodes + x.warning()));
      };
    } catch (ClockSkewTooLargeException e) {
      return new Outcome.Refuse(skew(between, ""), new Failure.Refused(Reason.CLOCK_SKEW_TOO_LARGE,
          nodes + e.getMessage()));
    }
  }

  private static ClockSkew skew(ClockOffset between, String warning) {
    return new ClockSkew(between.realtime(), between.errorBound(), warning);
  }
}

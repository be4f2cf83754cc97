package dev.ferry.coordinator.fsm;

import java.time.Duration;
import java.time.Instant;

/**
 * What a leader that picks up a record in flight does with it, per phase: issue the step again
 * where repeating it is safe (recording how long the migration was held without a driver), roll
 * back where its outcome is unknown and could have left a frozen source or a half-restored target
 * (DESIGN.md invariant).
 *
 * <p>A hold is the time between the record's last write and now: a dead or deposed leader, or
 * etcd without quorum (no transition can be written, so none is acted on). While held, per phase:
 * before the dump (Preflight, PrepareTarget, PreCopy) the container runs on its source; FreezeAndDump
 * and Transfer leave the source dumped (stop-copy kills it after the dump, so nothing on the source
 * can thaw it by itself): the blackout grows with the hold, which is why a Transfer held past the
 * hold limit rolls back (the source restored from its own images) instead of going on; from Restore
 * on the target may run it. Wall clocks of different coordinators take part in the measure: it is
 * as good as their synchronisation (NTP: milliseconds against holds of seconds).
 */
public final class Recovery {
  /** How long a migration with its container running nowhere may wait for a leader by default. */
  public static final Duration DEFAULT_HOLD_LIMIT = Duration.ofMinutes(2);

  private final MigrationMachine machine;
  private final Duration holdLimit;

  public Recovery(MigrationMachine machine) {
    this(machine, DEFAULT_HOLD_LIMIT);
  }

  public Recovery(MigrationMachine machine, Duration holdLimit) {
    if (holdLimit.isNegative() || holdLimit.isZero()) {
      throw new IllegalArgumentException("hold limit must be positive, was " + holdLimit);
    }
    this.machine = machine;
    this.holdLimit = holdLimit;
  }

  public Decision resume(Migration m, Instant at) {
    Duration held = m.updatedAt() == null ? Duration.ZERO : Duration.between(m.updatedAt(), at);
    return switch (m.phase()) {
      case Phase.Queued q -> Decision.of(m);
      case Phase.Planned p -> machine.transition(m, new Event.Started(), at);
      case Phase.Preflight p -> reissue(m, held, at);
      case Phase.PrepareTarget p -> reissue(m, held, at);
      case Phase.PreCopy p -> interrupted(m, at, held, "pre-copy round " + p.round());
      case Phase.FreezeAndDump f -> interrupted(m, at, held, "the final dump");
      // Images on the source are complete and the stream resumes: sending again is safe.
      case Phase.Transfer t -> reissue(m, held, at);
      case Phase.Restore r -> interrupted(m, at, held, "the restore");
      case Phase.Verify v -> reissue(m, held, at);
      case Phase.Commit c -> reissue(m, held, at);
      case Phase.RollingBack r -> reissue(m, held, at);
      case Phase.Done d -> Decision.of(m);
      case Phase.RolledBack r -> Decision.of(m);
      case Phase.Failed f -> Decision.of(m);
    };
  }

  private Decision reissue(Migration m, Duration held, Instant at) {
    return machine.transition(m, new Event.Resumed(held, holdLimit), at);
  }

  private Decision interrupted(Migration m, Instant at, Duration held, String step) {
    Failure why = new Failure.Interrupted("the coordinator driving it stopped during " + step + " (then held "
        + Math.max(0, held.toMillis()) + " ms without a leader able to write etcd); its outcome is unknown, "
        + "so the migration rolls back");
    return machine.transition(m, new Event.StepFailed(why), at);
  }
}

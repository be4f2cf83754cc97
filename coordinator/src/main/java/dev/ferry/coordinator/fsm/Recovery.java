package dev.ferry.coordinator.fsm;

import java.time.Instant;
import java.util.List;

/**
 * What a coordinator that just took over does with a record it finds in flight, per phase:
 * re-issue the step where repeating it is safe, roll back where its outcome is unknown and
 * could have left a frozen source or a half-restored target (DESIGN.md invariant).
 */
public final class Recovery {
  private final MigrationMachine machine;

  public Recovery(MigrationMachine machine) {
    this.machine = machine;
  }

  public Decision resume(Migration m, Instant at) {
    return switch (m.phase()) {
      case Phase.Queued q -> Decision.of(m);
      case Phase.Planned p -> machine.transition(m, new Event.Started(), at);
      case Phase.Preflight p -> reissue(m);
      case Phase.PrepareTarget p -> reissue(m);
      case Phase.PreCopy p -> interrupted(m, at, "pre-copy round " + p.round());
      case Phase.FreezeAndDump f -> interrupted(m, at, "the final dump");
      // Images on the source are complete and the stream resumes: sending again is safe.
      case Phase.Transfer t -> reissue(m);
      case Phase.Restore r -> interrupted(m, at, "the restore");
      case Phase.Verify v -> reissue(m);
      case Phase.Commit c -> reissue(m);
      case Phase.RollingBack r -> reissue(m);
      case Phase.Done d -> Decision.of(m);
      case Phase.RolledBack r -> Decision.of(m);
      case Phase.Failed f -> Decision.of(m);
    };
  }

  private static Decision reissue(Migration m) {
    List<Command> commands = MigrationMachine.stepCommands(m);
    return new Decision(m, commands, null);
  }

  private Decision interrupted(Migration m, Instant at, String step) {
    Failure why = new Failure.Interrupted("the coordinator restarted during " + step
        + "; its outcome is unknown, so the migration rolls back");
    return machine.transition(m, new Event.StepFailed(why), at);
  }
}

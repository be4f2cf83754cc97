package dev.ferry.coordinator.fsm;

import dev.ferry.coordinator.fsm.Event.Admitted;
import dev.ferry.coordinator.fsm.Event.CancelRequested;
import dev.ferry.coordinator.fsm.Event.Committed;
import dev.ferry.coordinator.fsm.Event.DumpCompleted;
import dev.ferry.coordinator.fsm.Event.PreflightFailed;
import dev.ferry.coordinator.fsm.Event.PreflightPassed;
import dev.ferry.coordinator.fsm.Event.Restored;
import dev.ferry.coordinator.fsm.Event.Resumed;
import dev.ferry.coordinator.fsm.Event.RollbackCompleted;
import dev.ferry.coordinator.fsm.Event.RoundDumped;
import dev.ferry.coordinator.fsm.Event.Started;
import dev.ferry.coordinator.fsm.Event.StepFailed;
import dev.ferry.coordinator.fsm.Event.TargetPrepared;
import dev.ferry.coordinator.fsm.Event.Timeout;
import dev.ferry.coordinator.fsm.Event.TransferCompleted;
import dev.ferry.coordinator.fsm.Event.TransferProgressed;
import dev.ferry.coordinator.fsm.Event.Verified;
import dev.ferry.coordinator.fsm.Phase.Commit;
import dev.ferry.coordinator.fsm.Phase.Done;
import dev.ferry.coordinator.fsm.Phase.Failed;
import dev.ferry.coordinator.fsm.Phase.FreezeAndDump;
import dev.ferry.coordinator.fsm.Phase.Planned;
import dev.ferry.coordinator.fsm.Phase.PreCopy;
import dev.ferry.coordinator.fsm.Phase.Preflight;
import dev.ferry.coordinator.fsm.Phase.PrepareTarget;
import dev.ferry.coordinator.fsm.Phase.Queued;
import dev.ferry.coordinator.fsm.Phase.Restore;
import dev.ferry.coordinator.fsm.Phase.RolledBack;
import dev.ferry.coordinator.fsm.Phase.RollingBack;
import dev.ferry.coordinator.fsm.Phase.Transfer;
import dev.ferry.coordinator.fsm.Phase.Verify;
import java.util.List;

/**
 * The one table of legal transitions. {@link MigrationMachine} refuses any (phase, event) pair
 * without a row and checks that where it went has one; tests render it as a diagram and fail
 * if a row is never exercised.
 */
public final class Transitions {
  private Transitions() {}

  public record Row(Class<? extends Phase> from, Class<? extends Event> on, Class<? extends Phase> to) {
    public String render() {
      return from.getSimpleName() + " --> " + to.getSimpleName() + " : " + on.getSimpleName();
    }
  }

  public static final List<Row> TABLE = List.of(
      new Row(Queued.class, Admitted.class, Planned.class),
      new Row(Queued.class, CancelRequested.class, RolledBack.class),
      new Row(Queued.class, Timeout.class, Failed.class),

      new Row(Planned.class, Started.class, Preflight.class),
      new Row(Planned.class, CancelRequested.class, RolledBack.class),

      new Row(Preflight.class, PreflightPassed.class, PrepareTarget.class),
      new Row(Preflight.class, PreflightFailed.class, Failed.class),
      new Row(Preflight.class, StepFailed.class, Preflight.class),
      new Row(Preflight.class, StepFailed.class, Failed.class),
      new Row(Preflight.class, CancelRequested.class, RolledBack.class),
      new Row(Preflight.class, Timeout.class, Failed.class),
      new Row(Preflight.class, Resumed.class, Preflight.class),

      new Row(PrepareTarget.class, TargetPrepared.class, PreCopy.class),
      new Row(PrepareTarget.class, TargetPrepared.class, FreezeAndDump.class),
      new Row(PrepareTarget.class, StepFailed.class, PrepareTarget.class),
      new Row(PrepareTarget.class, StepFailed.class, RollingBack.class),
      new Row(PrepareTarget.class, CancelRequested.class, RollingBack.class),
      new Row(PrepareTarget.class, Timeout.class, RollingBack.class),
      new Row(PrepareTarget.class, Resumed.class, PrepareTarget.class),

      new Row(PreCopy.class, RoundDumped.class, PreCopy.class),
      new Row(PreCopy.class, RoundDumped.class, FreezeAndDump.class),
      new Row(PreCopy.class, StepFailed.class, RollingBack.class),
      new Row(PreCopy.class, CancelRequested.class, RollingBack.class),
      new Row(PreCopy.class, Timeout.class, RollingBack.class),

      new Row(FreezeAndDump.class, DumpCompleted.class, Transfer.class),
      new Row(FreezeAndDump.class, StepFailed.class, RollingBack.class),
      new Row(FreezeAndDump.class, CancelRequested.class, RollingBack.class),
      new Row(FreezeAndDump.class, Timeout.class, RollingBack.class),

      new Row(Transfer.class, TransferProgressed.class, Transfer.class),
      new Row(Transfer.class, TransferCompleted.class, Restore.class),
      new Row(Transfer.class, StepFailed.class, RollingBack.class),
      new Row(Transfer.class, CancelRequested.class, RollingBack.class),
      new Row(Transfer.class, Timeout.class, RollingBack.class),
      // A hold (no leader, or no etcd quorum) ends: go on, or roll back once it outlasted the hold limit.
      new Row(Transfer.class, Resumed.class, Transfer.class),
      new Row(Transfer.class, Resumed.class, RollingBack.class),

      new Row(Restore.class, Restored.class, Verify.class),
      new Row(Restore.class, StepFailed.class, RollingBack.class),
      new Row(Restore.class, CancelRequested.class, RollingBack.class),
      new Row(Restore.class, Timeout.class, RollingBack.class),

      new Row(Verify.class, Verified.class, Commit.class),
      new Row(Verify.class, StepFailed.class, Verify.class),
      new Row(Verify.class, StepFailed.class, RollingBack.class),
      new Row(Verify.class, CancelRequested.class, RollingBack.class),
      new Row(Verify.class, Timeout.class, RollingBack.class),
      new Row(Verify.class, Resumed.class, Verify.class),

      // From commit on there is no way back: retry the source clean-up, or ask a person.
      new Row(Commit.class, Committed.class, Done.class),
      new Row(Commit.class, StepFailed.class, Commit.class),
      new Row(Commit.class, StepFailed.class, Failed.class),
      new Row(Commit.class, Timeout.class, Commit.class),
      new Row(Commit.class, Timeout.class, Failed.class),
      new Row(Commit.class, Resumed.class, Commit.class),

      new Row(RollingBack.class, RollbackCompleted.class, RolledBack.class),
      new Row(RollingBack.class, StepFailed.class, RollingBack.class),
      new Row(RollingBack.class, StepFailed.class, Failed.class),
      new Row(RollingBack.class, Timeout.class, RollingBack.class),
      new Row(RollingBack.class, Resumed.class, RollingBack.class),
      new Row(RollingBack.class, Timeout.class, Failed.class));

  public static boolean accepts(Phase phase, Event event) {
    return TABLE.stream().anyMatch(r -> r.from() == phase.getClass() && r.on() == event.getClass());
  }

  public static boolean allows(Phase from, Event on, Phase to) {
    return TABLE.contains(new Row(from.getClass(), on.getClass(), to.getClass()));
  }

  /** PlantUML state diagram of the table. */
  public static String plantUml() {
    StringBuilder out = new StringBuilder("@startuml\n[*] --> Queued\n");
    for (Row r : TABLE) {
      out.append(r.render()).append('\n');
    }
    out.append("Done --> [*]\nRolledBack --> [*]\nFailed --> [*]\n@enduml\n");
    return out.toString();
  }
}

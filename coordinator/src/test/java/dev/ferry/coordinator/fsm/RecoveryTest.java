package dev.ferry.coordinator.fsm;

import static dev.ferry.coordinator.fsm.Fixtures.*;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Replay: persist after every phase of the happy path, hand the record to a fresh machine as a
 * recovering coordinator would, and check it issues the same next commands where resuming is
 * safe, and rolls back where the step's outcome is unknown.
 */
class RecoveryTest {

  @Test
  void aFreshCoordinatorReissuesTheSameCommandsOrRollsBackPerPhase() {
    MigrationMachine original = MigrationMachine.defaults();
    Migration m = queued(Strategy.PRECOPY);
    for (Event e : precopyHappyPath()) {
      Decision d = original.transition(m, e, T0);
      Migration persisted = d.next();
      Decision recovered = new Recovery(MigrationMachine.defaults()).resume(persisted, T0.plusSeconds(60));
      switch (persisted.phase()) {
        case Phase.PreCopy p -> assertRollsBack(recovered);
        case Phase.FreezeAndDump f -> assertRollsBack(recovered);
        case Phase.Restore r -> assertRollsBack(recovered);
        case Phase.Planned p -> assertThat(recovered.commands()).singleElement()
            .isInstanceOf(Command.RunPreflight.class);
        case Phase.Transfer t when e instanceof Event.TransferProgressed ->
            assertThat(recovered.commands()).singleElement().isInstanceOf(Command.StartTransfer.class);
        default -> assertThat(recovered.commands()).as("after %s", e.label()).isEqualTo(d.commands());
      }
      m = persisted;
    }
  }

  private static void assertRollsBack(Decision recovered) {
    assertThat(recovered.next().phase()).isInstanceOf(Phase.RollingBack.class);
    assertThat(recovered.next().failure()).isInstanceOf(Failure.Interrupted.class);
    assertThat(recovered.commands()).extracting(c -> (Class) c.getClass())
        .containsExactly(Command.AbortOnTarget.class, Command.ResumeOnSource.class);
  }

  @Test
  void rollingBackIsReissuedAndTerminalRecordsAreLeftAlone() {
    MigrationMachine machine = MigrationMachine.defaults();
    Migration m = queued(Strategy.PRECOPY);
    for (Event e : concat(pathTo(Phase.Transfer.class), rejected())) {
      m = machine.transition(m, e, T0).next();
    }
    Decision d = new Recovery(machine).resume(m, T0);
    assertThat(d.commands()).isEqualTo(MigrationMachine.stepCommands(m));
    assertThat(d.commands()).hasSize(2);
    Migration done = machine.transition(m, new Event.RollbackCompleted(), T0).next();
    assertThat(new Recovery(machine).resume(done, T0).commands()).isEmpty();
    assertThat(new Recovery(machine).resume(queued(Strategy.AUTO), T0).commands()).isEqualTo(List.of());
  }

  @Test
  void aHeldTransferGoesOnAndItsRecordShowsTheHold() {
    MigrationMachine machine = MigrationMachine.defaults();
    Migration m = queued(Strategy.STOPCOPY);
    for (Event e : pathTo(Phase.Transfer.class)) {
      m = machine.transition(m, e, T0).next();
    }
    Decision d = new Recovery(machine, java.time.Duration.ofSeconds(30)).resume(m, m.updatedAt().plusSeconds(12));
    assertThat(d.next().phase()).isInstanceOf(Phase.Transfer.class);
    assertThat(d.commands()).singleElement().isInstanceOf(Command.StartTransfer.class);
    assertThat(d.next().history()).last().satisfies(c -> {
      assertThat(c.event()).isEqualTo("Resumed");
      assertThat(c.detail()).startsWith("held 12000 ms");
    });
  }

  @Test
  void aTransferHeldPastTheLimitRollsBackWithTheReason() {
    MigrationMachine machine = MigrationMachine.defaults();
    Migration m = queued(Strategy.STOPCOPY);
    for (Event e : pathTo(Phase.Transfer.class)) {
      m = machine.transition(m, e, T0).next();
    }
    Decision d = new Recovery(machine, java.time.Duration.ofSeconds(30)).resume(m, m.updatedAt().plusSeconds(31));
    assertThat(d.next().phase()).isInstanceOf(Phase.RollingBack.class);
    assertThat(d.next().failure()).isInstanceOf(Failure.TimedOut.class);
    assertThat(d.next().failure().message()).contains("hold in Transfer").contains("31000 ms").contains("30000 ms");
    assertThat(d.commands()).extracting(c -> (Class) c.getClass())
        .containsExactly(Command.AbortOnTarget.class, Command.ResumeOnSource.class);
  }

  @Test
  void aVerifyHeldPastTheLimitStillGoesOnTheTargetRunsIt() {
    MigrationMachine machine = MigrationMachine.defaults();
    Migration m = queued(Strategy.STOPCOPY);
    for (Event e : pathTo(Phase.Verify.class)) {
      m = machine.transition(m, e, T0).next();
    }
    Decision d = new Recovery(machine, java.time.Duration.ofSeconds(30)).resume(m, m.updatedAt().plusSeconds(300));
    assertThat(d.next().phase()).isInstanceOf(Phase.Verify.class);
    assertThat(d.commands()).singleElement().isInstanceOf(Command.VerifyOnTarget.class);
  }
}

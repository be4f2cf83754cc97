package dev.ferry.coordinator.fsm;

import static dev.ferry.coordinator.fsm.Fixtures.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

class MigrationMachineTest {
  private final MigrationMachine machine = MigrationMachine.defaults();

  private Migration run(Strategy s, List<Event> events) {
    Migration m = queued(s);
    for (Event e : events) {
      m = machine.transition(m, e, T0).next();
    }
    return m;
  }

  private Decision step(Strategy s, List<Event> prefix, Event last) {
    return machine.transition(run(s, prefix), last, T0.plusSeconds(1));
  }

  @Test
  void precopyHappyPathIssuesEachStepsCommandAndEndsDone() {
    Migration m = queued(Strategy.PRECOPY);
    List<List<Class<? extends Command>>> issued = new java.util.ArrayList<>();
    for (Event e : precopyHappyPath()) {
      Decision d = machine.transition(m, e, T0);
      issued.add(d.commands().stream().<Class<? extends Command>>map(Command::getClass).toList());
      m = d.next();
    }
    assertThat(issued).containsExactly(
        List.of(), // Admitted -> Planned
        List.of(Command.RunPreflight.class),
        List.of(Command.PrepareTarget.class),
        List.of(Command.PreDumpOnSource.class),
        List.of(Command.PreDumpOnSource.class),
        List.of(Command.DumpOnSource.class),
        List.of(Command.StartTransfer.class),
        List.of(), // progress only
        List.of(Command.RestoreOnTarget.class),
        List.of(Command.VerifyOnTarget.class),
        List.of(Command.FinalizeOnSource.class),
        List.of());
    assertThat(m.phase()).isEqualTo(new Phase.Done());
    assertThat(m.rounds()).hasSize(2);
    assertThat(m.stopReason()).contains("fits the 500 ms budget");
    assertThat(m.stats().blackout()).isEqualTo(Duration.ofMillis(300));
    assertThat(m.stats().bytesOnWire()).isEqualTo(3 * MIB);
    assertThat(m.history()).extracting(c -> c.to().label()).containsExactly("Planned", "Preflight",
        "PrepareTarget", "PreCopy", "PreCopy", "FreezeAndDump", "Transfer", "Restore", "Verify", "Commit", "Done");
    assertThat(m.strategy().strategy()).isEqualTo(Strategy.PRECOPY);
  }

  @Test
  void finalDumpUsesTheLastRoundAsParentAndCarriesTheArtifactsForward() {
    Decision toDump = step(Strategy.PRECOPY, pathTo(Phase.PreCopy.class), smallRound(1));
    assertThat(toDump.commands()).containsExactly(new Command.DumpOnSource("ct42", "node-a", 1, true, false));
    Decision restore = step(Strategy.PRECOPY, pathTo(Phase.Transfer.class), new Event.TransferCompleted(10, 5));
    assertThat(restore.commands()).containsExactly(new Command.RestoreOnTarget("ct42", "node-b", "img-t",
        ClockPolicy.SUSPEND, T0.plusSeconds(20), true, ""));
  }

  @Test
  void precopyKeepsGoingWhileTheEstimateExceedsTheBudget() {
    Decision d = step(Strategy.PRECOPY, pathTo(Phase.PreCopy.class), bigRound(1));
    assertThat(d.next().phase()).isEqualTo(new Phase.PreCopy(2));
    assertThat(d.commands()).containsExactly(new Command.PreDumpOnSource("ct42", "node-a", "node-b", 2, "token-1", 0));
  }

  @Test
  void stopcopySkipsPreCopy() {
    Migration m = run(Strategy.STOPCOPY, List.of(new Event.Admitted("node-b", ""), new Event.Started(),
        passed(Strategy.STOPCOPY)));
    Decision d = machine.transition(m, new Event.TargetPrepared("t", "k"), T0);
    assertThat(d.next().phase()).isEqualTo(new Phase.FreezeAndDump());
    assertThat(d.commands()).containsExactly(new Command.DumpOnSource("ct42", "node-a", 0, true, false));
  }

  @Test
  void postcopyDumpsLazily() {
    Migration m = run(Strategy.POSTCOPY, List.of(new Event.Admitted("node-b", ""), new Event.Started(),
        passed(Strategy.POSTCOPY)));
    Decision d = machine.transition(m, new Event.TargetPrepared("t", "k"), T0);
    assertThat(d.commands()).containsExactly(new Command.DumpOnSource("ct42", "node-a", 0, true, true));
  }

  @ParameterizedTest
  @FieldSource("dev.ferry.coordinator.fsm.Scenarios#ROLLBACK_PHASES")
  void beforeCommitAFailureAbortsTheTargetThenResumesTheSource(Class<? extends Phase> phase) {
    Decision d = step(Strategy.PRECOPY, pathTo(phase), rejected());
    assertThat(d.next().phase()).isInstanceOf(Phase.RollingBack.class);
    assertThat(d.next().failure().reason()).isEqualTo(Reason.CRIU_DUMP_FAILED);
    assertThat(d.commands()).hasSize(2);
    assertThat(d.commands().get(0)).isEqualTo(new Command.AbortOnTarget("ct42", "node-b"));
    assertThat(d.commands().get(1)).isInstanceOf(Command.ResumeOnSource.class);
    Decision back = machine.transition(d.next(), new Event.RollbackCompleted(), T0);
    assertThat(back.next().phase()).isEqualTo(new Phase.RolledBack(d.next().failure()));
    assertThat(back.commands()).isEmpty();
  }

  @Test
  void resumeOnSourceRestoresFromTheDumpOnceThereIsOne() {
    Decision d = step(Strategy.PRECOPY, pathTo(Phase.Restore.class), rejected());
    assertThat(d.commands().get(1)).isEqualTo(new Command.ResumeOnSource("ct42", "node-a", "img-s",
        "criu dump failed"));
  }

  @Test
  void cancelBeforeAnythingMovedEndsRolledBackWithNoCommands() {
    Decision d = machine.transition(queued(Strategy.AUTO), cancel(), T0);
    assertThat(d.next().phase()).isEqualTo(new Phase.RolledBack(new Failure.Cancelled("operator asked")));
    assertThat(d.commands()).isEmpty();
  }

  @Test
  void retryableFailureOfAnIdempotentStepRetriesWithBackoffThenGivesUp() {
    List<Event> toPreflight = pathTo(Phase.Preflight.class);
    Decision first = step(Strategy.AUTO, toPreflight, unreachable());
    assertThat(first.next().phase()).isEqualTo(new Phase.Preflight());
    assertThat(first.next().attempt()).isEqualTo(1);
    assertThat(first.delay()).isEqualTo(Duration.ofMillis(200));
    assertThat(first.commands()).singleElement().isInstanceOf(Command.RunPreflight.class);
    Migration m = run(Strategy.AUTO, concat(toPreflight, unreachable(), unreachable(), unreachable()));
    Decision last = machine.transition(m, unreachable(), T0);
    assertThat(last.next().phase()).isInstanceOf(Phase.Failed.class);
  }

  @Test
  void aRollbackOutlastsAnUnreachableAgentLongerThanAnOrdinaryStep() {
    Decision d = step(Strategy.PRECOPY, pathTo(Phase.Restore.class), rejected());
    Migration m = d.next();
    for (int i = 0; i < MigrationMachine.ROLLBACK_RETRIES; i++) {
      Decision again = machine.transition(m, unreachable(), T0);
      assertThat(again.next().phase()).as("retry %d", i + 1).isInstanceOf(Phase.RollingBack.class);
      assertThat(again.commands()).hasSize(2);
      m = again.next();
    }
    assertThat(machine.transition(m, unreachable(), T0).next().phase()).isInstanceOf(Phase.Failed.class);
  }

  @Test
  void nonIdempotentStepsAreNeverRetried() {
    Decision d = step(Strategy.PRECOPY, pathTo(Phase.FreezeAndDump.class), unreachable());
    assertThat(d.next().phase()).isInstanceOf(Phase.RollingBack.class);
  }

  @Test
  void afterCommitFailuresRetryTheCleanupAndNeverRollBack() {
    Decision d = step(Strategy.PRECOPY, pathTo(Phase.Commit.class), unreachable());
    assertThat(d.next().phase()).isEqualTo(new Phase.Commit());
    assertThat(d.commands()).containsExactly(new Command.FinalizeOnSource("ct42", "node-a"));
    assertThatThrownBy(() -> step(Strategy.PRECOPY, pathTo(Phase.Commit.class), cancel()))
        .isInstanceOf(IllegalTransitionException.class)
        .hasMessageContaining("Commit does not accept CancelRequested");
  }

  @Test
  void illegalTransitionCarriesIdPhaseEventAndRecentHistory() {
    Migration done = run(Strategy.PRECOPY, precopyHappyPath());
    assertThatThrownBy(() -> machine.transition(done, new Event.Verified(""), T0))
        .isInstanceOfSatisfying(IllegalTransitionException.class, ex -> {
          assertThat(ex.migrationId()).isEqualTo("m-1");
          assertThat(ex.phase()).isEqualTo(new Phase.Done());
          assertThat(ex.event()).isEqualTo(new Event.Verified(""));
          assertThat(ex.recentHistory()).hasSize(5).last().extracting(PhaseChange::to).isEqualTo(new Phase.Done());
        });
  }

  @ParameterizedTest
  @MethodSource("dev.ferry.coordinator.fsm.Scenarios#all")
  void everyScenarioEndsInATerminalOrWaitingPhaseWithAConsistentHistory(Scenarios.Scenario s) {
    Migration m = run(s.strategy(), s.events());
    for (int i = 1; i < m.history().size(); i++) {
      assertThat(m.history().get(i).from().label()).isEqualTo(m.history().get(i - 1).to().label());
    }
    if (m.phase().terminal() && !(m.phase() instanceof Phase.Done)) {
      assertThat(m.failure()).as("a migration that did not finish says why").isNotNull();
    }
  }
}

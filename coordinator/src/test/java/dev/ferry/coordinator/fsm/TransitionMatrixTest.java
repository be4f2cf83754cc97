package dev.ferry.coordinator.fsm;

import static dev.ferry.coordinator.fsm.Fixtures.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.assertThatCode;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every phase x every event: accepted exactly when the table has a row, refused with a typed exception otherwise. */
class TransitionMatrixTest {
  private static final Failure CAUSE = new Failure.Cancelled("x");

  static final List<Phase> PHASES = List.of(new Phase.Queued(), new Phase.Planned(), new Phase.Preflight(),
      new Phase.PrepareTarget(), new Phase.PreCopy(1), new Phase.FreezeAndDump(), new Phase.Transfer(0),
      new Phase.Restore(), new Phase.Verify(), new Phase.Commit(), new Phase.Done(), new Phase.RollingBack(CAUSE),
      new Phase.RolledBack(CAUSE), new Phase.Failed(CAUSE));

  static final List<Event> EVENTS = List.of(new Event.Admitted("node-b", ""), new Event.Started(),
      passed(Strategy.PRECOPY), new Event.PreflightFailed(new Failure.Refused(Reason.CPU_INCOMPATIBLE, "cpu")),
      new Event.TargetPrepared("t", "k"), smallRound(1), new Event.DumpCompleted("s", 1, T0, ""),
      new Event.TransferProgressed(1), new Event.TransferCompleted(1, 1), new Event.Restored(Duration.ZERO, T0),
      new Event.Verified(""), new Event.Committed(), new Event.RollbackCompleted(), rejected(), cancel(), timeout(), resumed(10));

  static Stream<Arguments> matrix() {
    List<Arguments> all = new ArrayList<>();
    for (Phase p : PHASES) {
      for (Event e : EVENTS) {
        all.add(Arguments.of(p, e));
      }
    }
    return all.stream();
  }

  @ParameterizedTest(name = "{0} + {1}")
  @MethodSource("matrix")
  void acceptedExactlyWhenTheTableHasARow(Phase phase, Event event) {
    Migration m = queued(Strategy.PRECOPY).toBuilder().phase(phase).target("node-b", "")
        .strategy(new StrategyChoice(Strategy.PRECOPY, "test")).build();
    MigrationMachine machine = MigrationMachine.defaults();
    if (Transitions.accepts(phase, event)) {
      assertThatCode(() -> machine.transition(m, event, T0)).doesNotThrowAnyException();
    } else {
      assertThatThrownBy(() -> machine.transition(m, event, T0)).isInstanceOf(IllegalTransitionException.class);
    }
  }

  @org.junit.jupiter.api.Test
  void samplesCoverEveryPermittedPhaseAndEvent() {
    assertThat(PHASES.stream().map(Object::getClass).distinct().toList())
        .containsExactlyInAnyOrder(Phase.class.getPermittedSubclasses());
    assertThat(EVENTS.stream().map(Object::getClass).distinct().toList())
        .containsExactlyInAnyOrder(Event.class.getPermittedSubclasses());
  }
}

package dev.ferry.coordinator.fsm;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The history says what of the root filesystem travelled while the container still ran. */
class RootfsFirstPassRecordedTest {
  private final MigrationMachine machine = MigrationMachine.defaults();

  @Test
  void theFirstPassIsInTheHistory() {
    Migration m = prepared(new Event.TargetPrepared("img", "tok", 3_626_885, 1_702_114));
    assertThat(m.phase()).isEqualTo(new Phase.FreezeAndDump());
    assertThat(m.history().getLast().detail())
        .isEqualTo("root filesystem's first pass, while the container runs: 3626885 bytes, 1702114 on the wire");
  }

  @Test
  void withoutOneTheHistorySaysTheWholeTreeTravelsFrozen() {
    Migration m = prepared(new Event.TargetPrepared("img", "tok"));
    assertThat(m.history().getLast().detail()).contains("predates it").contains("after the freeze");
  }

  private Migration prepared(Event.TargetPrepared event) {
    Migration m = Fixtures.queued(Strategy.STOPCOPY);
    m = machine.transition(m, new Event.Admitted("node-b", ""), Fixtures.T0).next();
    m = machine.transition(m, new Event.Started(), Fixtures.T0).next();
    m = machine.transition(m, new Event.PreflightPassed("caps", new StrategyChoice(Strategy.STOPCOPY, "test"), null),
        Fixtures.T0).next();
    return machine.transition(m, event, Fixtures.T0).next();
  }
}

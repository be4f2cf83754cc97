package dev.ferry.coordinator.fsm;

import static dev.ferry.coordinator.fsm.Fixtures.*;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** What pre-copy does when its rounds stop converging, per the request's policy; the record says which. */
class NonConvergenceTest {
  private final MigrationMachine machine = MigrationMachine.defaults();

  /** A pre-copy at its first round, asked to do {@code policy} when it does not converge. */
  private Migration inFirstRound(NonConvergence policy, int maxRounds) {
    MigrationSpec base = MigrationSpec.of("ct42", "node-a", "node-b");
    MigrationSpec spec = new MigrationSpec(base.containerId(), base.sourceNode(), base.requestedTarget(),
        Strategy.PRECOPY, ClockPolicy.SUSPEND, Duration.ofMillis(500), 0, maxRounds, false, "", policy);
    Migration m = Migration.queued("m-1", spec, T0);
    for (Event e : pathTo(Phase.PreCopy.class)) {
      m = machine.transition(m, e, T0).next();
    }
    assertThat(m.phase()).isEqualTo(new Phase.PreCopy(1));
    return m;
  }

  /** 1 GiB, then 1.5 GiB: the dirty set grew by half, the rounds are not converging. */
  private Migration afterGrowth(Migration m) {
    m = machine.transition(m, bigRound(1), T0).next();
    return machine.transition(m, round(2, 1536 * MIB), T0).next();
  }

  private static Event.RoundDumped round(int n, long bytes) {
    return new Event.RoundDumped(new PrecopyRound(n, bytes, bytes / 4096, Duration.ofSeconds(10), 100.0 * MIB));
  }

  @Test
  void freezeDumpsAnywayAndSaysTheBudgetIsMissed() {
    Migration m = afterGrowth(inFirstRound(NonConvergence.FREEZE, 8));
    assertThat(m.phase()).isInstanceOf(Phase.FreezeAndDump.class);
    assertThat(m.stopReason()).contains("dirty set grew 50%").contains("freezing anyway");
    assertThat(m.strategy().strategy()).isEqualTo(Strategy.PRECOPY);
    assertThat(MigrationMachine.stepCommands(m)).containsExactly(
        new Command.DumpOnSource("ct42", "node-a", 2, true, false));
  }

  @Test
  void postcopySwitchesTheStrategyAndDumpsLazily() {
    Migration m = afterGrowth(inFirstRound(NonConvergence.POSTCOPY, 8));
    assertThat(m.phase()).isInstanceOf(Phase.FreezeAndDump.class);
    assertThat(m.strategy().strategy()).isEqualTo(Strategy.POSTCOPY);
    assertThat(m.strategy().reason()).contains("switched from pre-copy after round 2").contains("dirty set grew");
    assertThat(m.stopReason()).contains("switching to post-copy");
    assertThat(MigrationMachine.stepCommands(m)).singleElement()
        .isInstanceOfSatisfying(Command.DumpOnSource.class, d -> assertThat(d.lazy()).isTrue());
  }

  @Test
  void throttleHalvesTheCpuEachTimeAndCarriesItToTheNextRound() {
    Migration m = afterGrowth(inFirstRound(NonConvergence.THROTTLE, 8));
    assertThat(m.phase()).isEqualTo(new Phase.PreCopy(3));
    assertThat(m.cpuThrottlePercent()).isEqualTo(50);
    assertThat(MigrationMachine.stepCommands(m)).containsExactly(
        new Command.PreDumpOnSource("ct42", "node-a", "node-b", 3, m.artifacts().transferToken(), 50));

    m = machine.transition(m, round(3, 2048 * MIB), T0).next(); // still growing: halve again
    assertThat(m.phase()).isEqualTo(new Phase.PreCopy(4));
    assertThat(m.cpuThrottlePercent()).isEqualTo(25);

    m = machine.transition(m, new Event.RoundDumped(new PrecopyRound(4, 4 * MIB, 1024, Duration.ofMillis(40),
        100.0 * MIB, 25)), T0).next(); // throttled enough: it fits
    assertThat(m.phase()).isInstanceOf(Phase.FreezeAndDump.class);
    assertThat(m.stopReason()).startsWith("estimated final dump");
    assertThat(m.rounds().getLast().cpuThrottlePercent()).isEqualTo(25);
  }

  @Test
  void throttleFreezesAtTheRoundLimitAndSaysItWasThrottled() {
    Migration m = machine.transition(inFirstRound(NonConvergence.THROTTLE, 3), bigRound(1), T0).next();
    m = machine.transition(m, round(2, 1536 * MIB), T0).next();
    assertThat(m.cpuThrottlePercent()).isEqualTo(50);
    m = machine.transition(m, round(3, 1536 * MIB), T0).next();
    assertThat(m.phase()).isInstanceOf(Phase.FreezeAndDump.class);
    assertThat(m.stopReason()).contains("limit of 3 rounds").contains("CPU throttled to 50% (auto-converge)");
  }

  @Test
  void autoConvergeStepsDownToAFloor() {
    assertThat(AutoConverge.next(0)).isEqualTo(50);
    assertThat(AutoConverge.next(50)).isEqualTo(25);
    assertThat(AutoConverge.next(25)).isEqualTo(12);
    assertThat(AutoConverge.next(12)).isZero();
  }

  @Test
  void aPrecopyThatMaySwitchToPostcopyNeedsLazyPagesAtPreflight() {
    var chooser = StrategyChooser.DEFAULT;
    var refused = chooser.choose(Strategy.PRECOPY, NonConvergence.POSTCOPY, caps("a", true, false), caps("b", true, true),
        MIB, Duration.ofMillis(500));
    assertThat(refused).isInstanceOfSatisfying(StrategyChooser.Refusal.class, r -> assertThat(r.failure().message())
        .contains("switches to post-copy").contains("a: no userfaultfd"));
    assertThat(chooser.choose(Strategy.PRECOPY, NonConvergence.POSTCOPY, caps("a", true, true), caps("b", true, true),
        MIB, Duration.ofMillis(500))).isInstanceOf(StrategyChooser.Chosen.class);
    assertThat(chooser.choose(Strategy.PRECOPY, NonConvergence.THROTTLE, caps("a", true, false), caps("b", true, false),
        MIB, Duration.ofMillis(500))).isInstanceOf(StrategyChooser.Chosen.class);
  }
}

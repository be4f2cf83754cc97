package dev.ferry.coordinator.fsm;

import static dev.ferry.coordinator.fsm.Fixtures.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The pure policies: strategy choice, pre-copy stop rule, retry back-off. */
class PoliciesTest {
  private static final Duration BUDGET = Duration.ofMillis(500);
  private final StrategyChooser chooser = StrategyChooser.DEFAULT;

  private StrategyChoice chosen(StrategyChooser.Outcome o) {
    assertThat(o).isInstanceOf(StrategyChooser.Chosen.class);
    return ((StrategyChooser.Chosen) o).choice();
  }

  @Test
  void autoPrefersPrecopyWhenTheSourceTracksDirtyMemory() {
    var c = chosen(chooser.choose(Strategy.AUTO, caps("a", true, true), caps("b", true, true), 1L << 30, BUDGET));
    assertThat(c.strategy()).isEqualTo(Strategy.PRECOPY);
    assertThat(c.reason()).contains("a tracks dirty memory");
  }

  @Test
  void autoWithoutDirtyTrackingUsesStopcopyWhenItFitsTheBudget() {
    var c = chosen(chooser.choose(Strategy.AUTO, caps("a", false, true), caps("b", false, true), 16 * MIB, BUDGET));
    assertThat(c.strategy()).isEqualTo(Strategy.STOPCOPY);
    assertThat(c.reason()).contains("no dirty-memory tracking on a (no soft-dirty)").contains("within the 500 ms");
  }

  @Test
  void autoWithoutDirtyTrackingUsesPostcopyWhenStopcopyWouldBlowTheBudget() {
    var c = chosen(chooser.choose(Strategy.AUTO, caps("a", false, true), caps("b", false, true), 1L << 30, BUDGET));
    assertThat(c.strategy()).isEqualTo(Strategy.POSTCOPY);
    assertThat(c.reason()).contains("over the 500 ms budget").contains("lazy pages work on both");
    var noLazy = chosen(chooser.choose(Strategy.AUTO, caps("a", false, true), caps("b", false, false), 1L << 30,
        BUDGET));
    assertThat(noLazy.strategy()).isEqualTo(Strategy.STOPCOPY);
    assertThat(noLazy.reason()).contains("b: no userfaultfd");
  }

  @Test
  void aRequestedStrategyTheHostsCannotDoIsRefusedNotReplaced() {
    var o = chooser.choose(Strategy.PRECOPY, caps("a", false, true), caps("b", true, true), MIB, BUDGET);
    assertThat(o).isInstanceOfSatisfying(StrategyChooser.Refusal.class, r -> {
      assertThat(r.failure().reason()).isEqualTo(Reason.CAPABILITY_MISSING);
      assertThat(r.failure().message()).isEqualTo("pre-copy needs dirty-memory tracking on a: no soft-dirty");
    });
    assertThat(chooser.choose(Strategy.POSTCOPY, caps("a", true, false), caps("b", true, true), MIB, BUDGET))
        .isInstanceOf(StrategyChooser.Refusal.class);
    assertThat(chosen(chooser.choose(Strategy.STOPCOPY, caps("a", false, false), caps("b", false, false), MIB,
        BUDGET)).strategy()).isEqualTo(Strategy.STOPCOPY);
  }

  private static PrecopyRound round(int n, long bytes, double mibPerSecond) {
    return new PrecopyRound(n, bytes, bytes / 4096, Duration.ofSeconds(1), mibPerSecond * MIB);
  }

  @Test
  void precopyStopsWhenTheFinalDumpFitsTheBudget() {
    var d = PrecopyStopRule.DEFAULT.decide(List.of(round(1, 30 * MIB, 100)), BUDGET, 5);
    assertThat(d.stop()).isTrue();
    assertThat(d.reason()).startsWith("estimated final dump 450 ms");
  }

  @Test
  void precopyStopsWhenTheDirtySetGrowsMoreThanTenPercent() {
    var d = PrecopyStopRule.DEFAULT.decide(List.of(round(1, 500 * MIB, 100), round(2, 560 * MIB, 100)), BUDGET, 5);
    assertThat(d.stop()).isTrue();
    assertThat(d.reason()).contains("grew 12%").contains("not converging");
    var within = PrecopyStopRule.DEFAULT.decide(List.of(round(1, 500 * MIB, 100), round(2, 540 * MIB, 100)),
        BUDGET, 5);
    assertThat(within.stop()).isFalse();
  }

  /** Seen in the stock-kernel lane: THP made every round re-copy ~94% of the memory, six rounds for nothing. */
  @Test
  void precopyStopsWhenTheDirtySetStopsShrinking() {
    var stalled = PrecopyStopRule.DEFAULT.decide(List.of(round(1, 336 * MIB / 10, 2), round(2, 317 * MIB / 10, 2),
        round(3, 318 * MIB / 10, 2)), BUDGET, 6);
    assertThat(stalled.stop()).isTrue();
    assertThat(stalled.converged()).isFalse();
    assertThat(stalled.reason()).startsWith("dirty set stopped shrinking").contains("transparent huge pages");
    var shrinking = PrecopyStopRule.DEFAULT.decide(List.of(round(1, 500 * MIB, 100), round(2, 480 * MIB, 100),
        round(3, 300 * MIB, 100)), BUDGET, 6);
    assertThat(shrinking.stop()).as("one slow round, then real progress").isFalse();
    assertThat(PrecopyStopRule.DEFAULT.decide(List.of(round(1, 500 * MIB, 100), round(2, 480 * MIB, 100)), BUDGET, 6)
        .stop()).as("two rounds say nothing yet").isFalse();
  }

  @Test
  void precopyStopsAtTheRoundLimit() {
    var d = PrecopyStopRule.DEFAULT.decide(List.of(round(1, 500 * MIB, 100), round(2, 400 * MIB, 100)), BUDGET, 2);
    assertThat(d.stop()).isTrue();
    assertThat(d.reason()).startsWith("reached the limit of 2 rounds");
  }

  @Test
  void retryBacksOffExponentiallyUpToACapAndOnlyForRetryableFailures() {
    RetryPolicy p = new RetryPolicy(5, Duration.ofMillis(100), 2.0, Duration.ofMillis(300));
    Failure transient_ = new Failure.Unreachable(Reason.TARGET_UNREACHABLE, "b", "refused");
    assertThat(p.backoff(0, transient_)).contains(Duration.ofMillis(100));
    assertThat(p.backoff(1, transient_)).contains(Duration.ofMillis(200));
    assertThat(p.backoff(2, transient_)).contains(Duration.ofMillis(300));
    assertThat(p.backoff(5, transient_)).isEmpty();
    assertThat(p.backoff(0, new Failure.Refused(Reason.CPU_INCOMPATIBLE, "no"))).isEmpty();
    assertThatThrownBy(() -> new RetryPolicy(-1, Duration.ZERO, 1, Duration.ZERO))
        .hasMessageContaining("maxRetries must be >= 0, was -1");
  }
}

package dev.ferry.agent.clock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The hold before resume: a prior until the node has restored, then twice the slowest of its recent restores. */
class ResumeBudgetTest {
  private static final long MIB = 1 << 20;

  @Test
  void beforeAnyRestoreItAllowsTwiceThePriorForTheImageSize() {
    ResumeBudget budget = new ResumeBudget();

    assertThat(budget.forImage(64 * MIB)).isEqualTo(Duration.ofMillis(2 * (350 + 64)));
    assertThat(budget.forImage(1024 * MIB)).isEqualTo(Duration.ofMillis(2 * (350 + 1024)));
  }

  @Test
  void aFastRestoreAfterASlowOneDoesNotShrinkTheBudgetBelowWhatTheSlowOneNeeded() {
    ResumeBudget budget = new ResumeBudget();
    budget.observe(64 * MIB, Duration.ofMillis(610));
    budget.observe(64 * MIB, Duration.ofMillis(200)); // the same host, the same size: its spread seen in ClockPolicyIT

    assertThat(budget.forImage(64 * MIB).toMillis()).isCloseTo(1220, within(1L));
  }

  @Test
  void aSlowRestoreIsForgottenAfterEnoughFasterOnes() {
    ResumeBudget budget = new ResumeBudget();
    budget.observe(64 * MIB, Duration.ofMillis(2000));
    for (int i = 0; i < ResumeBudget.REMEMBERED; i++) {
      budget.observe(64 * MIB, Duration.ofMillis(100));
    }

    assertThat(budget.forImage(64 * MIB).toMillis()).isCloseTo(200, within(1L));
  }

  @Test
  void restoresOfOtherSizesScaleThroughTheModelAndTheBudgetStaysWithinItsBounds() {
    ResumeBudget budget = new ResumeBudget();
    budget.observe(512 * MIB, Duration.ofMillis(862 / 2)); // half the model's 862 ms

    assertThat(budget.forImage(64 * MIB).toMillis()).isCloseTo(414, within(1L)); // 2 x 0.5 x 414 ms
    budget.observe(64 * MIB, Duration.ofMillis(1));
    budget.observe(64 * MIB, Duration.ZERO); // no passage measured: ignored
    assertThat(budget.forImage(64 * MIB).toMillis()).isCloseTo(414, within(1L));

    ResumeBudget slow = new ResumeBudget();
    slow.observe(1, Duration.ofMinutes(5));
    assertThat(slow.forImage(1)).isEqualTo(Duration.ofSeconds(20));
    ResumeBudget fast = new ResumeBudget();
    for (int i = 0; i < ResumeBudget.REMEMBERED; i++) {
      fast.observe(1, Duration.ofNanos(1));
    }
    assertThat(fast.forImage(1)).isEqualTo(Duration.ofMillis(20));
  }
}

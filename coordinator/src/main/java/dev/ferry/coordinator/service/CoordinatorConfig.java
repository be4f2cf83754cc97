package dev.ferry.coordinator.service;

import dev.ferry.coordinator.executor.ClockSkewCheck;
import dev.ferry.coordinator.fsm.PrecopyStopRule;
import dev.ferry.coordinator.fsm.RetryPolicy;
import dev.ferry.coordinator.fsm.StrategyChooser;
import dev.ferry.coordinator.schedule.Limits;
import dev.ferry.timesync.SkewGuard;
import java.time.Duration;

/** The coordinator's policies in one record, validated once. */
public record CoordinatorConfig(Limits limits, RetryPolicy retry, PrecopyStopRule stopRule, StrategyChooser chooser,
    Duration nodeLeaseTtl, Duration scheduleEvery, SkewGuard skewGuard) {

  public static final CoordinatorConfig DEFAULT = new CoordinatorConfig(Limits.DEFAULT, RetryPolicy.DEFAULT,
      PrecopyStopRule.DEFAULT, StrategyChooser.DEFAULT, Duration.ofSeconds(10), Duration.ofMillis(500),
      ClockSkewCheck.DEFAULT_GUARD);

  public CoordinatorConfig withLimits(Limits l) {
    return new CoordinatorConfig(l, retry, stopRule, chooser, nodeLeaseTtl, scheduleEvery, skewGuard);
  }

  public CoordinatorConfig withRetry(RetryPolicy r) {
    return new CoordinatorConfig(limits, r, stopRule, chooser, nodeLeaseTtl, scheduleEvery, skewGuard);
  }
}

package dev.ferry.coordinator.service;

import dev.ferry.coordinator.executor.ClockSkewCheck;
import dev.ferry.coordinator.fsm.PrecopyStopRule;
import dev.ferry.coordinator.fsm.Recovery;
import dev.ferry.coordinator.fsm.RetryPolicy;
import dev.ferry.coordinator.fsm.StrategyChooser;
import dev.ferry.coordinator.schedule.Limits;
import dev.ferry.timesync.SkewGuard;
import java.time.Duration;

/**
 * The coordinator's policies in one record, validated once.
 *
 * @param holdLimit how long a migration whose container runs nowhere (Transfer) may wait for a
 *                  leader able to write etcd before it rolls back instead of going on
 * @param skewGuard the wall-clock skew between source and target that preflight accepts, and what it does above it
 */
public record CoordinatorConfig(Limits limits, RetryPolicy retry, PrecopyStopRule stopRule, StrategyChooser chooser,
    Duration nodeLeaseTtl, Duration scheduleEvery, Duration holdLimit, SkewGuard skewGuard) {

  public static final CoordinatorConfig DEFAULT = new CoordinatorConfig(Limits.DEFAULT, RetryPolicy.DEFAULT,
      PrecopyStopRule.DEFAULT, StrategyChooser.DEFAULT, Duration.ofSeconds(10), Duration.ofMillis(500),
      Recovery.DEFAULT_HOLD_LIMIT, ClockSkewCheck.DEFAULT_GUARD);

  public CoordinatorConfig {
    if (holdLimit == null || holdLimit.isNegative() || holdLimit.isZero()) {
      throw new IllegalArgumentException("hold-limit must be a positive duration, was " + holdLimit);
    }
  }

  public CoordinatorConfig withLimits(Limits l) {
    return new CoordinatorConfig(l, retry, stopRule, chooser, nodeLeaseTtl, scheduleEvery, holdLimit, skewGuard);
  }

  public CoordinatorConfig withRetry(RetryPolicy r) {
    return new CoordinatorConfig(limits, r, stopRule, chooser, nodeLeaseTtl, scheduleEvery, holdLimit, skewGuard);
  }

  public CoordinatorConfig withHoldLimit(Duration d) {
    return new CoordinatorConfig(limits, retry, stopRule, chooser, nodeLeaseTtl, scheduleEvery, d, skewGuard);
  }
}

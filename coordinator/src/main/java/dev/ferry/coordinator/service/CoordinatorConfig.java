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
 * @param electionTtl the leader's etcd lease: a leader unable to renew it for this long steps down, and another
 *                    coordinator takes over after it; longer rides out a slow host, shorter fails over sooner
 */
public record CoordinatorConfig(Limits limits, RetryPolicy retry, PrecopyStopRule stopRule, StrategyChooser chooser,
    Duration nodeLeaseTtl, Duration scheduleEvery, Duration holdLimit, SkewGuard skewGuard, Duration electionTtl) {

  public static final CoordinatorConfig DEFAULT = new CoordinatorConfig(Limits.DEFAULT, RetryPolicy.DEFAULT,
      PrecopyStopRule.DEFAULT, StrategyChooser.DEFAULT, Duration.ofSeconds(10), Duration.ofMillis(500),
      Recovery.DEFAULT_HOLD_LIMIT, ClockSkewCheck.DEFAULT_GUARD, Duration.ofSeconds(5));

  public CoordinatorConfig {
    if (holdLimit == null || holdLimit.isNegative() || holdLimit.isZero()) {
      throw new IllegalArgumentException("hold-limit must be a positive duration, was " + holdLimit);
    }
    // etcd grants leases in whole seconds, and the leader renews at a quarter of the TTL.
    if (electionTtl == null || electionTtl.compareTo(Duration.ofSeconds(2)) < 0) {
      throw new IllegalArgumentException("election-ttl must be at least 2 s, was " + electionTtl);
    }
  }

  public CoordinatorConfig withLimits(Limits l) {
    return new CoordinatorConfig(l, retry, stopRule, chooser, nodeLeaseTtl, scheduleEvery, holdLimit, skewGuard, electionTtl);
  }

  public CoordinatorConfig withRetry(RetryPolicy r) {
    return new CoordinatorConfig(limits, r, stopRule, chooser, nodeLeaseTtl, scheduleEvery, holdLimit, skewGuard, electionTtl);
  }

  public CoordinatorConfig withHoldLimit(Duration d) {
    return new CoordinatorConfig(limits, retry, stopRule, chooser, nodeLeaseTtl, scheduleEvery, d, skewGuard, electionTtl);
  }
}

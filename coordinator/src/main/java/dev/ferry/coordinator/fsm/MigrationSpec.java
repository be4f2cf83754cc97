package dev.ferry.coordinator.fsm;

import java.time.Duration;
import java.util.Objects;

/**
 * What was asked for: immutable for the migration's life.
 *
 * @param requestedTarget empty: placement chooses
 * @param requestId       idempotency key from the client, or empty
 * @param onNonConvergence what pre-copy does when its rounds stop converging
 */
public record MigrationSpec(
    String containerId,
    String sourceNode,
    String requestedTarget,
    Strategy strategy,
    ClockPolicy clockPolicy,
    Duration downtimeBudget,
    int priority,
    int maxPrecopyRounds,
    boolean dropTcpConnections,
    String requestId,
    NonConvergence onNonConvergence) {

  public static final Duration DEFAULT_DOWNTIME_BUDGET = Duration.ofMillis(500);
  public static final int DEFAULT_MAX_ROUNDS = 5;

  public MigrationSpec {
    Objects.requireNonNull(containerId, "containerId");
    Objects.requireNonNull(sourceNode, "sourceNode");
    requestedTarget = requestedTarget == null ? "" : requestedTarget;
    strategy = strategy == null ? Strategy.AUTO : strategy;
    clockPolicy = clockPolicy == null ? ClockPolicy.SUSPEND : clockPolicy;
    downtimeBudget = downtimeBudget == null || downtimeBudget.isZero() ? DEFAULT_DOWNTIME_BUDGET : downtimeBudget;
    if (downtimeBudget.isNegative()) {
      throw new IllegalArgumentException("downtime budget must not be negative, was " + downtimeBudget);
    }
    maxPrecopyRounds = maxPrecopyRounds == 0 ? DEFAULT_MAX_ROUNDS : maxPrecopyRounds;
    if (maxPrecopyRounds < 1 || maxPrecopyRounds > 100) {
      throw new IllegalArgumentException("max pre-copy rounds must be 1..100, was " + maxPrecopyRounds);
    }
    requestId = requestId == null ? "" : requestId;
    onNonConvergence = onNonConvergence == null ? NonConvergence.FREEZE : onNonConvergence;
  }

  public static MigrationSpec of(String containerId, String sourceNode, String targetNode) {
    return new MigrationSpec(containerId, sourceNode, targetNode, Strategy.AUTO, ClockPolicy.SUSPEND,
        null, 0, 0, false, "", NonConvergence.FREEZE);
  }

  public MigrationSpec withStrategy(Strategy s) {
    return new MigrationSpec(containerId, sourceNode, requestedTarget, s, clockPolicy, downtimeBudget, priority,
        maxPrecopyRounds, dropTcpConnections, requestId, onNonConvergence);
  }
}

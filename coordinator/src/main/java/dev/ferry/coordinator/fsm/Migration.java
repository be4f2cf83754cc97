package dev.ferry.coordinator.fsm;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A migration as the coordinator remembers it. Immutable: every change is a new value, written to
 * the store as a new version.
 *
 * @param targetNode      empty until admitted
 * @param attempt         how many times the current phase's step has been retried
 * @param strategy        null until preflight chose one
 * @param cpuThrottlePercent auto-converge's cap on the container's CPU for the next pre-copy round; 0: none
 * @param failure         the cause once it is rolling back or finished unsuccessfully, else null
 */
public record Migration(
    String id,
    MigrationSpec spec,
    String targetNode,
    String placementReason,
    Phase phase,
    int attempt,
    StrategyChoice strategy,
    List<PrecopyRound> rounds,
    String stopReason,
    int cpuThrottlePercent,
    Artifacts artifacts,
    MigrationStats stats,
    Failure failure,
    List<PhaseChange> history,
    Instant createdAt,
    Instant updatedAt) {

  public Migration {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(spec, "spec");
    Objects.requireNonNull(phase, "phase");
    targetNode = targetNode == null ? "" : targetNode;
    placementReason = placementReason == null ? "" : placementReason;
    rounds = List.copyOf(rounds);
    stopReason = stopReason == null ? "" : stopReason;
    artifacts = artifacts == null ? Artifacts.NONE : artifacts;
    stats = stats == null ? MigrationStats.NONE : stats;
    history = List.copyOf(history);
  }

  /** A new migration waiting in the queue. */
  public static Migration queued(String id, MigrationSpec spec, Instant now) {
    return new Migration(id, spec, spec.requestedTarget(), "", new Phase.Queued(), 0, null, List.of(), "", 0,
        Artifacts.NONE, MigrationStats.NONE, null, List.of(), now, now);
  }

  public String containerId() {
    return spec.containerId();
  }

  public String sourceNode() {
    return spec.sourceNode();
  }

  public Builder toBuilder() {
    return new Builder(this);
  }

  /** Collects changes to a migration; only the FSM and tests build new versions. */
  public static final class Builder {
    private final Migration from;
    private String targetNode;
    private String placementReason;
    private Phase phase;
    private int attempt;
    private StrategyChoice strategy;
    private final List<PrecopyRound> rounds;
    private String stopReason;
    private int cpuThrottlePercent;
    private Artifacts artifacts;
    private MigrationStats stats;
    private Failure failure;
    private final List<PhaseChange> history;
    private Instant updatedAt;

    private Builder(Migration m) {
      from = m;
      targetNode = m.targetNode;
      placementReason = m.placementReason;
      phase = m.phase;
      attempt = m.attempt;
      strategy = m.strategy;
      rounds = new ArrayList<>(m.rounds);
      stopReason = m.stopReason;
      cpuThrottlePercent = m.cpuThrottlePercent;
      artifacts = m.artifacts;
      stats = m.stats;
      failure = m.failure;
      history = new ArrayList<>(m.history);
      updatedAt = m.updatedAt;
    }

    public Builder target(String node, String reason) {
      targetNode = node;
      placementReason = reason;
      return this;
    }

    public Builder phase(Phase p) {
      phase = p;
      return this;
    }

    public Builder attempt(int n) {
      attempt = n;
      return this;
    }

    public Builder strategy(StrategyChoice s) {
      strategy = s;
      return this;
    }

    public Builder addRound(PrecopyRound r) {
      rounds.add(r);
      return this;
    }

    public Builder stopReason(String s) {
      stopReason = s;
      return this;
    }

    public Builder cpuThrottle(int percent) {
      cpuThrottlePercent = percent;
      return this;
    }

    public Builder artifacts(Artifacts a) {
      artifacts = a;
      return this;
    }

    public Builder stats(MigrationStats s) {
      stats = s;
      return this;
    }

    public Builder failure(Failure f) {
      failure = f;
      return this;
    }

    public Builder record(PhaseChange change) {
      history.add(change);
      return this;
    }

    public Builder updatedAt(Instant at) {
      updatedAt = at;
      return this;
    }

    public Migration build() {
      return new Migration(from.id, from.spec, targetNode, placementReason, phase, attempt, strategy, rounds,
          stopReason, cpuThrottlePercent, artifacts, stats, failure, history, from.createdAt, updatedAt);
    }
  }
}

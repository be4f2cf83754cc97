package dev.ferry.e2e.scenario;

import static org.awaitility.Awaitility.await;

import dev.ferry.e2e.cluster.Cluster;
import dev.ferry.proto.v1.GetMigrationRequest;
import dev.ferry.proto.v1.MigrateRequest;
import dev.ferry.proto.v1.Migration;
import dev.ferry.proto.v1.Phase;
import dev.ferry.proto.v1.PhaseTransition;
import dev.ferry.proto.v1.Strategy;
import java.time.Duration;
import java.util.Set;

/** Migrations started over gRPC and watched by polling the record, so a fault can be injected in a chosen phase. */
public final class Migrations {
  private static final Set<Phase> TERMINAL = Set.of(Phase.PHASE_DONE, Phase.PHASE_ROLLED_BACK, Phase.PHASE_FAILED);

  private final Cluster cluster;

  public Migrations(Cluster cluster) {
    this.cluster = cluster;
  }

  public String start(String containerId, String from, String to, Strategy strategy) {
    return cluster.coordinatorStub().migrate(MigrateRequest.newBuilder().setContainerId(containerId)
        .setSourceNode(from).setTargetNode(to).setStrategy(strategy).build()).getMigrationId();
  }

  /** Polls until the migration is in {@code phase} (or already past it, which fails: the fault would miss it). */
  public Migration awaitPhase(String migrationId, Phase phase, Duration timeout) {
    await(migrationId + " in " + phase).atMost(timeout).pollInterval(Duration.ofMillis(20)).ignoreExceptions()
        .until(() -> {
          Migration m = get(migrationId);
          if (m.getPhase() == phase) {
            return true;
          }
          boolean passed = m.getHistoryList().stream().map(PhaseTransition::getFrom).anyMatch(phase::equals)
              || TERMINAL.contains(m.getPhase());
          if (passed) {
            throw new IllegalStateException(migrationId + " went past " + phase + " before the fault: " + m.getPhase());
          }
          return false;
        });
    return get(migrationId);
  }

  /** Waits for DONE, ROLLED_BACK or FAILED; the coordinator may be briefly away (restarts), so errors are retried. */
  public Migration awaitFinished(String migrationId, Duration timeout) {
    await(migrationId + " finished").atMost(timeout).pollInterval(Duration.ofMillis(200)).ignoreExceptions()
        .until(() -> TERMINAL.contains(get(migrationId).getPhase()));
    return get(migrationId);
  }

  public Migration get(String migrationId) {
    return cluster.coordinatorStub().withDeadlineAfter(5, java.util.concurrent.TimeUnit.SECONDS)
        .getMigration(GetMigrationRequest.newBuilder().setMigrationId(migrationId).build());
  }
}

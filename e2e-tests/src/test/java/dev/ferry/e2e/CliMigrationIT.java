package dev.ferry.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.e2e.cluster.LocalCluster;
import dev.ferry.e2e.scenario.CliMigration;
import dev.ferry.proto.v1.ContainerRef;
import dev.ferry.proto.v1.ContainerState;
import dev.ferry.proto.v1.Phase;
import io.grpc.StatusRuntimeException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/** The operator's path: `migrate --from nodeA --to nodeB ct42` against etcd, a coordinator and agents on their own hosts. */
class CliMigrationIT {
  @TempDir(cleanup = CleanupMode.ON_SUCCESS) // a failed run keeps its logs
  static Path dir;
  static LocalCluster cluster;

  @BeforeAll
  static void start() {
    cluster = SuiteCluster.start(dir);
  }

  @AfterAll
  static void stop() {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void cliMovesARunningContainerBetweenHosts() {
    movesIntact("ct42", "stopcopy", 64);
  }

  @Test
  void postcopyMovesARunningContainerBetweenHosts() {
    movesIntact("ct43", "postcopy", 128);
  }

  private void movesIntact(String ct, String strategy, int mib) {
    CliMigration scenario = new CliMigration(cluster);
    scenario.createWorkload("nodeA", ct, mib);
    CliMigration.Result r = scenario.migrate("nodeA", "nodeB", ct, "--strategy", strategy);

    r.migration().getHistoryList().forEach(h -> System.out.printf("  %-20s -> %-20s at %d.%03d%n", h.getFrom(), h.getTo(),
        h.getAt().getSeconds() % 1000, h.getAt().getNanos() / 1_000_000));
    assertThat(r.exitCode()).as("migrate exit code; record: %s", r.migration()).isZero();
    assertThat(r.migration().getPhase()).isEqualTo(Phase.PHASE_DONE);
    // Preflight measured the nodes' wall-clock skew and the record keeps it: one host here, so within its error bound.
    var stats = r.migration().getStats();
    System.out.printf("  preflight wall-clock skew %.3f ms ± %.3f ms%n", stats.getRealtimeSkewMs(), stats.getRealtimeSkewErrorMs());
    assertThat(stats.getRealtimeSkewErrorMs()).as("a measured skew carries its error bound").isPositive();
    assertThat(Math.abs(stats.getRealtimeSkewMs())).isLessThanOrEqualTo(stats.getRealtimeSkewErrorMs() + 1.0);
    assertThat(cluster.agent("nodeB").stub().inspectContainer(ContainerRef.newBuilder().setContainerId(ct).build()).getState())
        .isEqualTo(ContainerState.CONTAINER_STATE_RUNNING);
    // Exactly one copy: the source's is gone.
    assertThat(org.assertj.core.api.Assertions.catchThrowable(() ->
        cluster.agent("nodeA").stub().inspectContainer(ContainerRef.newBuilder().setContainerId(ct).build())))
        .isInstanceOf(StatusRuntimeException.class).hasMessageContaining("NOT_FOUND");
    assertThat(r.heartbeats().sequenceBreak()).isEmpty();
    assertThat(r.heartbeats().memoryErrors()).isZero();
    assertThat(r.heartbeats().clockWentBackwards()).isEmpty();
  }
}

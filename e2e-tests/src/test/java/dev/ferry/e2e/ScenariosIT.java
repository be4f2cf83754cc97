package dev.ferry.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ferry.e2e.cluster.LocalCluster;
import dev.ferry.e2e.scenario.CliMigration;
import dev.ferry.e2e.scenario.FaultTable;
import dev.ferry.e2e.scenario.Invariants;
import dev.ferry.e2e.scenario.Migrations;
import dev.ferry.proto.v1.DrainRequest;
import dev.ferry.proto.v1.DrainResult;
import dev.ferry.proto.v1.EvacuateRequest;
import dev.ferry.proto.v1.Evacuation;
import dev.ferry.proto.v1.EvacuationItem;
import dev.ferry.proto.v1.GetEvacuationRequest;
import dev.ferry.proto.v1.ListNodesRequest;
import dev.ferry.proto.v1.Migration;
import dev.ferry.proto.v1.Node;
import dev.ferry.proto.v1.Phase;
import dev.ferry.proto.v1.ReasonCode;
import dev.ferry.proto.v1.Strategy;
import dev.ferry.proto.v1.UncordonRequest;
import dev.ferry.testkit.Timing;
import io.grpc.StatusRuntimeException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/** Operator scenarios on one shared cluster: evacuation over gRPC, drain with cordon, each strategy this kernel supports. */
class ScenariosIT {
  private static final int MIB = 32;

  @TempDir(cleanup = CleanupMode.ON_SUCCESS)
  static Path dir;
  static LocalCluster cluster;
  static CliMigration workloads;
  static Migrations migrations;
  static Invariants invariants;
  private final List<String> containers = new ArrayList<>();

  @BeforeAll
  static void start() {
    cluster = SuiteCluster.start(dir);
    workloads = new CliMigration(cluster);
    migrations = new Migrations(cluster);
    invariants = new Invariants(cluster);
  }

  @AfterAll
  static void stop() {
    if (cluster != null) {
      cluster.close();
    }
  }

  @AfterEach
  void cleanUp() {
    SuiteCluster.heal(cluster);
    containers.forEach(c -> SuiteCluster.remove(cluster, c));
  }

  private String workload(String id, String node) {
    containers.add(id);
    workloads.createWorkload(node, id, MIB);
    return id;
  }

  /** The coordinator learns containers from the agents' reports: wait until it lists them all on the node. */
  private void awaitReported(String node, List<String> ids) {
    await("coordinator sees " + ids + " on " + node).atMost(Timing.seconds(30)).pollInterval(Duration.ofMillis(300))
        .until(() -> cluster.coordinator().stub().listContainers(dev.ferry.proto.v1.ListClusterContainersRequest
            .newBuilder().setNode(node).build()).getContainersList().stream().map(c -> c.getContainerId())
            .collect(Collectors.toSet()).containsAll(ids));
  }

  @Test
  void evacuateSpreadsEveryContainerAndAllArriveIntact() {
    List<String> ids = List.of(workload("ev-1", "nodeA"), workload("ev-2", "nodeA"), workload("ev-3", "nodeA"));
    awaitReported("nodeA", ids);
    Evacuation ev = cluster.coordinator().stub().evacuate(EvacuateRequest.newBuilder().setNode("nodeA")
        .setStrategy(Strategy.STRATEGY_STOPCOPY).build());
    assertThat(ev.getItemsList()).extracting(EvacuationItem::getContainerId).containsExactlyInAnyOrderElementsOf(ids);
    await("evacuation finished").atMost(Timing.seconds(180)).pollInterval(Duration.ofMillis(500)).until(() ->
        cluster.coordinator().stub().getEvacuation(GetEvacuationRequest.newBuilder().setEvacuationId(ev.getEvacuationId())
            .build()).getFinished());
    Evacuation done = cluster.coordinator().stub().getEvacuation(GetEvacuationRequest.newBuilder()
        .setEvacuationId(ev.getEvacuationId()).build());
    for (EvacuationItem item : done.getItemsList()) {
      Invariants.Outcome o = invariants.check(item.getContainerId(), item.getMigrationId());
      assertThat(o.migration().getPhase()).as("%s", o.migration()).isEqualTo(Phase.PHASE_DONE);
      FaultTable.add("evacuate nodeA: " + item.getContainerId(), o);
    }
    assertThat(done.getItemsList()).extracting(EvacuationItem::getTargetNode).as("placement spreads")
        .contains("nodeB", "nodeC");
  }

  @Test
  void drainCordonsMovesEverythingAndUncordonReopens() {
    List<String> ids = List.of(workload("dr-1", "nodeB"), workload("dr-2", "nodeB"));
    awaitReported("nodeB", ids);
    DrainResult r = cluster.coordinator().stub().withDeadlineAfter(200, java.util.concurrent.TimeUnit.SECONDS)
        .drain(DrainRequest.newBuilder().setNode("nodeB").setStrategy(Strategy.STRATEGY_STOPCOPY)
            .setTimeout(com.google.protobuf.Duration.newBuilder().setSeconds(Timing.seconds(150).toSeconds())).build());
    assertThat(r.getComplete()).as("%s", r).isTrue();
    assertThat(r.getMovedList()).extracting(EvacuationItem::getContainerId).containsExactlyInAnyOrderElementsOf(ids);
    assertThat(node("nodeB").getCordoned()).isTrue();
    for (EvacuationItem item : r.getMovedList()) {
      FaultTable.add("drain nodeB: " + item.getContainerId(), invariants.check(item.getContainerId(), item.getMigrationId()));
    }
    // Cordoned: nothing may be placed on nodeB.
    String back = r.getMovedList().getFirst().getContainerId();
    String from = r.getMovedList().getFirst().getTargetNode();
    assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> migrations.start(back, from, "nodeB", Strategy.STRATEGY_STOPCOPY)))
        .isInstanceOf(StatusRuntimeException.class).hasMessageContaining("FAILED_PRECONDITION");
    cluster.coordinator().stub().uncordon(UncordonRequest.newBuilder().setNode("nodeB").build());
    assertThat(node("nodeB").getCordoned()).isFalse();
  }

  private Node node(String name) {
    return cluster.coordinator().stub().listNodes(ListNodesRequest.getDefaultInstance()).getNodesList().stream()
        .filter(n -> n.getName().equals(name)).findFirst().orElseThrow();
  }

  @Test
  void stopCopyMovesTheContainer() {
    String ct = workload("st-stop", "nodeA");
    String id = migrations.start(ct, "nodeA", "nodeC", Strategy.STRATEGY_STOPCOPY);
    migrations.awaitFinished(id, SuiteCluster.migrationTimeout());
    Invariants.Outcome o = invariants.check(ct, id);
    assertThat(o.migration().getPhase()).as("%s", o.migration().getError()).isEqualTo(Phase.PHASE_DONE);
    assertThat(o.migration().getChosenStrategy()).isEqualTo(Strategy.STRATEGY_STOPCOPY);
    FaultTable.add("strategy stopcopy", o);
  }

  @Test
  void postCopyMovesTheContainerWithLazyPages() {
    String ct = workload("st-lazy", "nodeA");
    String id = migrations.start(ct, "nodeA", "nodeC", Strategy.STRATEGY_POSTCOPY);
    migrations.awaitFinished(id, SuiteCluster.migrationTimeout());
    Invariants.Outcome o = invariants.check(ct, id);
    assertThat(o.migration().getPhase()).as("%s", o.migration().getError()).isEqualTo(Phase.PHASE_DONE);
    assertThat(o.migration().getChosenStrategy()).isEqualTo(Strategy.STRATEGY_POSTCOPY);
    FaultTable.add("strategy postcopy", o);
  }

  @Test
  void preCopyIsRefusedOnThisKernelWithAReason() {
    String ct = workload("st-pre", "nodeA");
    String id;
    try {
      id = migrations.start(ct, "nodeA", "nodeC", Strategy.STRATEGY_PRECOPY);
    } catch (StatusRuntimeException e) {
      assertThat(e.getStatus().getCode()).isEqualTo(io.grpc.Status.Code.FAILED_PRECONDITION);
      assertThat(e.getMessage()).containsIgnoringCase("dirty");
      return;
    }
    Migration m = migrations.awaitFinished(id, SuiteCluster.migrationTimeout());
    assertThat(m.getPhase()).isIn(Phase.PHASE_FAILED, Phase.PHASE_ROLLED_BACK);
    assertThat(m.getError().getReason()).isEqualTo(ReasonCode.CAPABILITY_MISSING);
    assertThat(m.getError().getMessage()).containsIgnoringCase("dirty");
    Invariants.Outcome o = invariants.check(ct, id);
    assertThat(o.runningOn()).isEqualTo("nodeA");
    FaultTable.add("strategy precopy (refused: no dirty tracking)", o);
  }
}

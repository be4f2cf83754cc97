package dev.ferry.coordinator.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.ferry.coordinator.fsm.Failure;
import dev.ferry.coordinator.fsm.Migration;
import dev.ferry.coordinator.fsm.MigrationSpec;
import dev.ferry.coordinator.fsm.Phase;
import dev.ferry.coordinator.fsm.Reason;
import dev.ferry.coordinator.fsm.Strategy;
import dev.ferry.coordinator.registry.ContainerEntry;
import dev.ferry.coordinator.registry.ContainerEntry.ContainerStatus;
import dev.ferry.coordinator.registry.NodeRegistration;
import dev.ferry.coordinator.store.ContainerBusyException;
import dev.ferry.coordinator.testkit.EtcdExtension;
import dev.ferry.coordinator.testkit.FakeAgents;
import dev.ferry.coordinator.testkit.SwitchableLeadership;
import dev.ferry.coordinator.testkit.Timing;
import dev.ferry.coordinator.fsm.Feature;
import dev.ferry.coordinator.fsm.NodeCapabilities;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The coordinator on real etcd with in-process fake agents: scheduling, rollback, cancel, recovery. */
class CoordinatorIT {
  @RegisterExtension
  static final EtcdExtension etcd = new EtcdExtension();

  private FakeAgents agents;
  private SwitchableLeadership leadership;
  private CoordinatorRuntime runtime;

  static NodeRegistration node(String name, long freeMib) {
    return new NodeRegistration(name, "127.0.0.1:7000", new NodeCapabilities(name, "4.2.1", "6.16",
        Feature.no("no soft-dirty"), Feature.yes(), Feature.yes(), 2, freeMib << 20, 50L << 30), Instant.now());
  }

  @BeforeEach
  void start() {
    agents = new FakeAgents().node("node-a").node("node-b").node("node-c").container("node-a", "ct42")
        .container("node-a", "ct43");
    leadership = new SwitchableLeadership("coord-1:9000");
    runtime = CoordinatorRuntime.withLeadership(etcd.client(), agents, leadership, CoordinatorConfig.DEFAULT);
    var registry = runtime.registry();
    registry.register(node("node-a", 4000), Duration.ofSeconds(30));
    registry.register(node("node-b", 8000), Duration.ofSeconds(30));
    registry.register(node("node-c", 2000), Duration.ofSeconds(30));
    registry.reportContainers("node-a", List.of(
        new ContainerEntry("ct42", "node-a", ContainerStatus.RUNNING, 16 << 20, 0, 0, ""),
        new ContainerEntry("ct43", "node-a", ContainerStatus.RUNNING, 16 << 20, 0, 0, "")));
    leadership.elect(7);
    runtime.dispatcher().elected(7);
  }

  @AfterEach
  void stop() {
    runtime.close();
    assertThat(agents.violations).as("at most one copy runs, at least one exists").isEmpty();
  }

  private Migration awaitTerminal(String id) {
    await().atMost(Timing.seconds(15)).pollInterval(Duration.ofMillis(50))
        .until(() -> runtime.coordinator().get(id).phase().terminal());
    return runtime.coordinator().get(id);
  }

  @Test
  void aMigrationRunsToDoneAndTheInventoryFollows() {
    Migration m = runtime.coordinator().migrate(MigrationSpec.of("ct42", "node-a", "node-b"));
    assertThat(m.phase()).isEqualTo(new Phase.Queued());
    Migration done = awaitTerminal(m.id());
    assertThat(done.phase()).isEqualTo(new Phase.Done());
    assertThat(done.strategy().strategy()).isEqualTo(Strategy.STOPCOPY);
    assertThat(done.strategy().reason()).contains("no dirty-memory tracking on node-a");
    assertThat(done.stats().blackout()).isEqualTo(Duration.ofMillis(250));
    assertThat(agents.calls).containsSubsequence("node-b:PrepareRestore", "node-a:Dump", "node-a:SendImages",
        "node-b:Restore", "node-b:InspectContainer", "node-a:Finalize");
    assertThat(agents.state("node-b", "ct42")).isEqualTo(FakeAgents.State.RUNNING);
    await().atMost(Timing.seconds(5)).until(() -> runtime.registry().container("ct42").orElseThrow().node()
        .equals("node-b"));
    assertThat(runtime.store().lockHolder("ct42")).isEmpty();
  }

  @Test
  void withoutATargetPlacementPicksTheNodeWithTheMostFreeMemory() {
    Migration m = runtime.coordinator().migrate(MigrationSpec.of("ct42", "", ""));
    Migration done = awaitTerminal(m.id());
    assertThat(done.targetNode()).isEqualTo("node-b");
    assertThat(done.placementReason()).startsWith("most free memory: 8000 MiB free").contains("node-a (source)");
  }

  @Test
  void aFailedDumpRollsBackAndTheSourceRunsAgain() {
    agents.fail("node-a", "Dump", new Failure.StepRejected(Reason.CRIU_DUMP_FAILED, "node-a",
        "criu dump failed: external unix socket", "Error (criu/sk-unix.c:123): x"));
    Migration m = awaitTerminal(runtime.coordinator().migrate(MigrationSpec.of("ct42", "node-a", "node-b")).id());
    assertThat(m.phase()).isInstanceOf(Phase.RolledBack.class);
    assertThat(m.failure().reason()).isEqualTo(Reason.CRIU_DUMP_FAILED);
    assertThat(agents.state("node-a", "ct42")).isEqualTo(FakeAgents.State.RUNNING);
    assertThat(agents.callsOn("node-b")).endsWith("node-b:AbortRestore");
    assertThat(runtime.store().lockHolder("ct42")).isEmpty();
  }

  @Test
  void aSecondMigrationOfTheSameContainerIsRefusedNamingTheFirst() throws Exception {
    agents.block("node-a", "Dump");
    Migration first = runtime.coordinator().migrate(MigrationSpec.of("ct42", "node-a", "node-b"));
    assertThatThrownBy(() -> runtime.coordinator().migrate(MigrationSpec.of("ct42", "node-a", "node-c")))
        .isInstanceOf(ContainerBusyException.class).hasMessageContaining(first.id());
    assertThat(agents.awaitReached("node-a", "Dump", Timing.seconds(10))).isTrue();
    agents.release("node-a", "Dump");
    awaitTerminal(first.id());
  }

  @Test
  void cancellingARunningMigrationRollsItBack() throws Exception {
    agents.block("node-b", "PrepareRestore");
    Migration m = runtime.coordinator().migrate(MigrationSpec.of("ct42", "node-a", "node-b"));
    assertThat(agents.awaitReached("node-b", "PrepareRestore", Timing.seconds(10))).isTrue();
    runtime.coordinator().cancel(m.id(), "operator changed their mind");
    agents.release("node-b", "PrepareRestore");
    Migration end = awaitTerminal(m.id());
    assertThat(end.phase()).isEqualTo(new Phase.RolledBack(new Failure.Cancelled("operator changed their mind")));
    assertThat(agents.calls).doesNotContain("node-a:Dump");
    assertThat(agents.state("node-a", "ct42")).isEqualTo(FakeAgents.State.RUNNING);
  }

  @Test
  void cancellingAQueuedMigrationNeedsNoAgent() {
    runtime.close();
    runtime = CoordinatorRuntime.withLeadership(etcd.client(), agents, leadership,
        CoordinatorConfig.DEFAULT.withLimits(new dev.ferry.coordinator.schedule.Limits(1, 1, 1)));
    agents.block("node-b", "PrepareRestore");
    Migration first = runtime.coordinator().migrate(MigrationSpec.of("ct42", "node-a", "node-b"));
    Migration second = runtime.coordinator().migrate(MigrationSpec.of("ct43", "node-a", "node-c"));
    await().atMost(Timing.seconds(5)).until(() -> !(runtime.coordinator().get(first.id()).phase()
        instanceof Phase.Queued));
    assertThat(runtime.coordinator().get(second.id()).phase()).isEqualTo(new Phase.Queued());
    Migration cancelled = runtime.coordinator().cancel(second.id(), "not needed");
    assertThat(cancelled.phase()).isInstanceOf(Phase.RolledBack.class);
    agents.release("node-b", "PrepareRestore");
    awaitTerminal(first.id());
    assertThat(agents.calls).noneMatch(c -> c.startsWith("node-c:"));
  }

  @Test
  void aFreshCoordinatorResumesATransferAndRollsBackAnInterruptedDump() throws Exception {
    // Coordinator 1 is deposed while the source streams images: the next one resends them.
    agents.block("node-a", "SendImages");
    Migration m = runtime.coordinator().migrate(MigrationSpec.of("ct42", "node-a", "node-b"));
    assertThat(agents.awaitReached("node-a", "SendImages", Timing.seconds(10))).isTrue();
    leadership.depose();
    runtime.close();
    agents.release("node-a", "SendImages");
    assertThat(runtime.store().get(m.id()).orElseThrow().value().phase()).isInstanceOf(Phase.Transfer.class);
    agents.calls.clear();
    SwitchableLeadership next = new SwitchableLeadership("coord-2:9000");
    runtime = CoordinatorRuntime.withLeadership(etcd.client(), agents, next, CoordinatorConfig.DEFAULT);
    next.elect(8);
    runtime.dispatcher().elected(8);
    Migration done = awaitTerminal(m.id());
    assertThat(done.phase()).isEqualTo(new Phase.Done());
    assertThat(agents.calls.getFirst()).isEqualTo("node-a:SendImages");
  }

  @Test
  void aFreshCoordinatorRollsBackWhenItCannotKnowWhetherTheRestoreRan() throws Exception {
    agents.block("node-b", "Restore");
    Migration m = runtime.coordinator().migrate(MigrationSpec.of("ct42", "node-a", "node-b"));
    assertThat(agents.awaitReached("node-b", "Restore", Timing.seconds(10))).isTrue();
    leadership.depose();
    runtime.close();
    agents.release("node-b", "Restore");   // the restore happened after all: the target runs
    agents.calls.clear();
    SwitchableLeadership next = new SwitchableLeadership("coord-2:9000");
    runtime = CoordinatorRuntime.withLeadership(etcd.client(), agents, next, CoordinatorConfig.DEFAULT);
    next.elect(8);
    runtime.dispatcher().elected(8);
    Migration end = awaitTerminal(m.id());
    assertThat(end.phase()).isInstanceOf(Phase.RolledBack.class);
    assertThat(end.failure()).isInstanceOf(Failure.Interrupted.class);
    assertThat(agents.calls).containsExactly("node-b:AbortRestore", "node-a:ResumeOnSource");
    assertThat(agents.state("node-a", "ct42")).isEqualTo(FakeAgents.State.RUNNING);
    assertThat(agents.state("node-b", "ct42")).isNull();
  }

  @Test
  void aDeposedCoordinatorRefusesWrites() {
    leadership.depose();
    assertThatThrownBy(() -> runtime.coordinator().migrate(MigrationSpec.of("ct42", "node-a", "node-b")))
        .isInstanceOf(dev.ferry.coordinator.leader.NotLeaderException.class);
    assertThat(runtime.coordinator().list("", "", false, 0)).isEmpty();
  }

  @Test
  void evacuatePlacesEveryContainerAndReportsProgressPerContainer() {
    Evacuation ev = runtime.coordinator().evacuate("node-a", Strategy.AUTO, null, null);
    assertThat(ev.items()).extracting(Evacuation.Item::containerId).containsExactlyInAnyOrder("ct42", "ct43");
    assertThat(ev.items()).allSatisfy(i -> assertThat(i.migrationId()).isNotEmpty());
    await().atMost(Timing.seconds(15)).until(() -> runtime.coordinator().evacuation(ev.id()).finished());
    Evacuation done = runtime.coordinator().evacuation(ev.id());
    assertThat(done.items()).allSatisfy(i -> {
      assertThat(i.phase()).isEqualTo(new Phase.Done());
      assertThat(i.targetNode()).isEqualTo("node-b"); // most free memory; node-a is the source
    });
    assertThat(runtime.coordinator().containers("node-a")).isEmpty();
  }

  @Test
  void drainCordonsMovesWhatItCanAndSaysWhyTheRestStayed() throws Exception {
    agents.fail("node-a", "Dump", new Failure.StepRejected(Reason.NOT_CHECKPOINTABLE, "node-a",
        "container holds an external unix socket", ""));
    DrainResult r = runtime.coordinator().drain("node-a", Timing.seconds(15), Strategy.AUTO, null);
    assertThat(runtime.registry().node("node-a").orElseThrow().cordoned()).isTrue();
    assertThat(r.complete()).isFalse();
    assertThat(r.moved()).hasSize(1);
    assertThat(r.notMoved()).singleElement().satisfies(i -> {
      assertThat(i.phase()).isInstanceOf(Phase.RolledBack.class);
      assertThat(i.failure().reason()).isEqualTo(Reason.NOT_CHECKPOINTABLE);
    });
    assertThat(runtime.coordinator().uncordon("node-a").cordoned()).isFalse();
  }
}

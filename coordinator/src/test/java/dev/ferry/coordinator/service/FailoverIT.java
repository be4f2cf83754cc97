package dev.ferry.coordinator.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.ferry.coordinator.fsm.Migration;
import dev.ferry.coordinator.fsm.MigrationSpec;
import dev.ferry.coordinator.fsm.Phase;
import dev.ferry.coordinator.leader.NotLeaderException;
import dev.ferry.coordinator.registry.ContainerEntry;
import dev.ferry.coordinator.registry.ContainerEntry.ContainerStatus;
import dev.ferry.coordinator.testkit.EtcdExtension;
import dev.ferry.coordinator.testkit.FakeAgents;
import dev.ferry.coordinator.testkit.Timing;
import io.etcd.jetcd.Client;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Two coordinators with real etcd elections: the leader loses its lease mid-transfer, the other
 * takes over with a higher epoch, resumes the migration from etcd and finishes it.
 */
class FailoverIT {
  @RegisterExtension
  static final EtcdExtension etcd = new EtcdExtension();

  @Test
  void theFollowerTakesOverAMigrationWhenTheLeaderLosesItsLease() throws Exception {
    FakeAgents agents = new FakeAgents().node("node-a").node("node-b").container("node-a", "ct42");
    try (Client ca = etcd.newClient(); Client cb = etcd.newClient();
        CoordinatorRuntime a = CoordinatorRuntime.elected(ca, agents, "coord-a:7400", CoordinatorConfig.DEFAULT)) {
      await().atMost(Timing.seconds(10)).until(() -> a.leadership().isLeader());
      long epochA = a.leadership().epoch();
      try (CoordinatorRuntime b = CoordinatorRuntime.elected(cb, agents, "coord-b:7400", CoordinatorConfig.DEFAULT)) {
        a.registry().register(CoordinatorIT.node("node-a", 4000), Duration.ofSeconds(60));
        a.registry().register(CoordinatorIT.node("node-b", 8000), Duration.ofSeconds(60));
        a.registry().reportContainers("node-a", List.of(
            new ContainerEntry("ct42", "node-a", ContainerStatus.RUNNING, 16 << 20, 0, 0, "")));
        await().atMost(Timing.seconds(5)).until(() -> b.leadership().leader().equals("coord-a:7400"));
        assertThatThrownBy(() -> b.coordinator().migrate(MigrationSpec.of("ct42", "node-a", "node-b")))
            .isInstanceOf(NotLeaderException.class).hasMessageContaining("coord-a:7400");

        agents.block("node-a", "SendImages");
        Migration m = a.coordinator().migrate(MigrationSpec.of("ct42", "node-a", "node-b"));
        assertThat(agents.awaitReached("node-a", "SendImages", Timing.seconds(10))).isTrue();

        // The leader's lease disappears (as when it is partitioned from etcd long enough).
        etcd.client().getLeaseClient().revoke(leaseOf(etcd.client(), "coord-a:7400")).join();
        await().atMost(Timing.seconds(15)).until(() -> b.leadership().isLeader());
        assertThat(a.leadership().isLeader()).isFalse();
        long epochB = b.leadership().epoch();
        assertThat(epochB).isGreaterThan(epochA);
        agents.release("node-a", "SendImages");

        await().atMost(Timing.seconds(15)).until(() -> b.coordinator().get(m.id()).phase().terminal());
        assertThat(b.coordinator().get(m.id()).phase()).isEqualTo(new Phase.Done());
        assertThat(agents.fenced).contains("node-a:Finalize@" + epochB);
        assertThat(agents.fenced).noneMatch(c -> c.startsWith("node-a:Finalize@" + epochA));
        assertThat(agents.violations).isEmpty();
      }
    }
  }

  /** The lease behind a candidate's election key. */
  private static long leaseOf(Client client, String candidate) {
    var kvs = client.getKVClient().get(dev.ferry.coordinator.etcd.Etcd.bytes("/ferry/v1/leader"),
        io.etcd.jetcd.options.GetOption.builder().isPrefix(true).build()).join().getKvs();
    return kvs.stream().filter(kv -> dev.ferry.coordinator.etcd.Etcd.text(kv.getValue()).equals(candidate))
        .findFirst().orElseThrow().getLease();
  }
}

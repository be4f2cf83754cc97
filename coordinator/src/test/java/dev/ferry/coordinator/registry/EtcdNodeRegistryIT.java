package dev.ferry.coordinator.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.ferry.coordinator.fsm.Feature;
import dev.ferry.coordinator.fsm.NodeCapabilities;
import dev.ferry.coordinator.registry.ContainerEntry.ContainerStatus;
import dev.ferry.coordinator.testkit.EtcdExtension;
import dev.ferry.coordinator.testkit.Timing;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class EtcdNodeRegistryIT {
  @RegisterExtension
  static final EtcdExtension etcd = new EtcdExtension();

  static NodeRegistration reg(String name) {
    return new NodeRegistration(name, "127.0.0.1:7000", new NodeCapabilities(name, "4.2.1", "6.16",
        Feature.no("no soft-dirty"), Feature.yes(), Feature.yes(), 2, 4L << 30, 50L << 30),
        Instant.parse("2025-01-01T00:00:00Z"));
  }

  private final NodeRegistry registry = new EtcdNodeRegistry(etcd.client());

  @Test
  void aRegisteredNodeIsReadyAndReRegisteringKeepsItsLease() {
    NodeLease first = registry.register(reg("node-a"), Duration.ofSeconds(10));
    NodeLease again = registry.register(reg("node-a"), Duration.ofSeconds(10));
    assertThat(again.id()).isEqualTo(first.id());
    assertThat(registry.node("node-a")).hasValueSatisfying(n -> {
      assertThat(n.ready()).isTrue();
      assertThat(n.schedulable()).isTrue();
      assertThat(n.capabilities().lazyPages().available()).isTrue();
    });
  }

  @Test
  void aNodeWhoseLeaseExpiresIsNotReadyButStillListed() {
    registry.register(reg("node-gone"), Duration.ofSeconds(2));
    registry.register(reg("node-alive"), Duration.ofSeconds(30));
    await().atMost(Timing.seconds(15)).pollInterval(Duration.ofMillis(200))
        .until(() -> !registry.node("node-gone").orElseThrow().ready());
    assertThat(registry.nodes()).extracting(Node::name, Node::ready)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("node-alive", true),
            org.assertj.core.groups.Tuple.tuple("node-gone", false));
    NodeLease back = registry.register(reg("node-gone"), Duration.ofSeconds(30));
    assertThat(back.id()).isNotZero();
    assertThat(registry.node("node-gone").orElseThrow().ready()).isTrue();
  }

  @Test
  void cordonAndUncordon() {
    registry.register(reg("node-b"), Duration.ofSeconds(10));
    Node cordoned = registry.cordon("node-b", "kernel upgrade");
    assertThat(cordoned.cordoned()).isTrue();
    assertThat(cordoned.cordonReason()).isEqualTo("kernel upgrade");
    assertThat(cordoned.schedulable()).isFalse();
    assertThat(registry.uncordon("node-b").cordoned()).isFalse();
    assertThatThrownBy(() -> registry.cordon("node-zz", "x")).isInstanceOf(UnknownNodeException.class)
        .hasMessage("unknown node 'node-zz': no agent registered under that name");
  }

  @Test
  void containerReportsReplaceANodesInventoryAndMovesFollowCommits() {
    ContainerEntry ct1 = new ContainerEntry("ct1", "node-a", ContainerStatus.RUNNING, 64 << 20, 0, 0, "");
    ContainerEntry ct2 = new ContainerEntry("ct2", "node-a", ContainerStatus.RUNNING, 32 << 20, 0, 0, "");
    ContainerEntry ct3 = new ContainerEntry("ct3", "node-b", ContainerStatus.RUNNING, 32 << 20, 0, 0, "");
    registry.reportContainers("node-a", List.of(ct1, ct2));
    registry.reportContainers("node-b", List.of(ct3));
    registry.reportContainers("node-a", List.of(ct1));
    assertThat(registry.containers()).extracting(ContainerEntry::containerId).containsExactly("ct1", "ct3");
    registry.moveContainer("ct1", "node-b");
    assertThat(registry.container("ct1").orElseThrow().node()).isEqualTo("node-b");
    assertThatThrownBy(() -> registry.moveContainer("nope", "node-b")).isInstanceOf(UnknownContainerException.class);
  }
}

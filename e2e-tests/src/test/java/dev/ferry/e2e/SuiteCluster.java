package dev.ferry.e2e;

import dev.ferry.e2e.cluster.AgentNode;
import dev.ferry.e2e.cluster.LocalCluster;
import dev.ferry.process.ProcessSpec;
import dev.ferry.proto.v1.DeleteContainerRequest;
import dev.ferry.testkit.Timing;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** The suite's cluster: its own prefix and subnet (198.18.7.0/24, containers 198.18.71.0/24), beside a demo on 198.18.0.0/24. */
final class SuiteCluster {
  static final List<String> NODES = List.of("nodeA", "nodeB", "nodeC");

  private SuiteCluster() {}

  static LocalCluster start(Path dir) {
    return start(dir, NODES);
  }

  /** Containers get addresses from the suite's container network, 198.18.71.0/24 (its gateway .1 is the test JVM's). */
  static LocalCluster start(Path dir, List<String> nodes) {
    return LocalCluster.start(dir, nodes, Timing.seconds(120), PREFIX, SUBNET);
  }

  /** With metrics endpoints and trace export on every process. */
  static LocalCluster start(Path dir, List<String> nodes, dev.ferry.e2e.cluster.ObserveFlags observe) {
    return LocalCluster.start(dir, nodes, Timing.seconds(120), PREFIX, SUBNET, observe);
  }

  /**
   * The suite's names and subnet, overridable (-Dferry.e2e.prefix=fn -Dferry.e2e.subnet=9) so a
   * developer's run on a shared machine does not tear down a CI run's namespaces.
   */
  private static final String PREFIX = System.getProperty("ferry.e2e.prefix", "fe");
  private static final int SUBNET = Integer.getInteger("ferry.e2e.subnet", 7);

  /** Puts every handle back after a fault: links up, no rate caps, every process running. */
  static void heal(LocalCluster cluster) {
    for (AgentNode a : cluster.agents()) {
      cluster.network().heal(a.node());
      cluster.network().clearLimit(a.node());
    }
    if (!cluster.etcd().isAlive()) {
      cluster.restartEtcd(Timing.seconds(30));
    }
    if (!cluster.coordinator().isAlive()) {
      cluster.startCoordinator(Timing.seconds(60));
    }
    for (AgentNode a : cluster.agents()) {
      if (!a.isAlive()) {
        cluster.startAgent(a.node(), Timing.seconds(60));
      }
    }
    for (AgentNode a : cluster.agents()) {
      a.awaitServing(Timing.seconds(60));
    }
    cluster.awaitNodesReady(Timing.seconds(60));
  }

  /** Removes a scenario's container wherever it is, so the next scenario starts on empty nodes. */
  static void remove(LocalCluster cluster, String containerId) {
    for (AgentNode a : cluster.agents()) {
      try {
        a.stub().withDeadlineAfter(30, java.util.concurrent.TimeUnit.SECONDS).deleteContainer(
            DeleteContainerRequest.newBuilder().setContainerId(containerId).setForce(true).build());
      } catch (RuntimeException e) {
        // Not there.
      }
    }
  }

  static Duration migrationTimeout() {
    return Timing.seconds(120);
  }

  static void run(LocalCluster cluster, String... argv) {
    cluster.runner().runChecked(ProcessSpec.of(argv));
  }
}

package dev.ferry.e2e.cluster;

import static org.awaitility.Awaitility.await;

import dev.ferry.coordinator.etcd.EmbeddedEtcd;
import dev.ferry.coordinator.etcd.EtcdServerTls;
import dev.ferry.process.ProcessRunner;
import dev.ferry.process.ProcessSpec;
import dev.ferry.process.SystemProcessRunner;
import dev.ferry.proto.v1.ListNodesRequest;
import dev.ferry.proto.v1.NodeStatus;
import dev.ferry.security.Identity;
import dev.ferry.security.tls.ClientTls;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The whole system on one machine, as an operator would run it: a real etcd (https, client
 * certificates of the cluster CA required), a coordinator,
 * and one agent per node, each node a network namespace of its own with its own state
 * directory, so nothing exists on a target until Ferry sends it.
 */
public final class LocalCluster implements Cluster, AutoCloseable {
  private final ProcessRunner runner = new SystemProcessRunner();
  private final Path workDir;
  private final NetworkTopology network;
  private final Map<String, AgentNode> agents = new LinkedHashMap<>();
  private EmbeddedEtcd etcd;
  private ClusterPki pki;
  private CoordinatorNode coordinator;

  private LocalCluster(Path workDir, NetworkTopology network) {
    this.workDir = workDir;
    this.network = network;
  }

  public static LocalCluster start(Path workDir, List<String> nodes, Duration readyTimeout) {
    return start(workDir, nodes, readyTimeout, "fy", 0);
  }

  /** A cluster whose namespaces carry {@code prefix} on 198.18.{@code subnet}.0/24 (the suite's own, beside the demo's). */
  public static LocalCluster start(Path workDir, List<String> nodes, Duration readyTimeout, String prefix, int subnet) {
    return start(workDir, nodes, readyTimeout, prefix, subnet, ObserveFlags.NONE);
  }

  /** As above, with metrics endpoints and trace export on every process. */
  public static LocalCluster start(Path workDir, List<String> nodes, Duration readyTimeout, String prefix, int subnet,
      ObserveFlags observe) {
    return start(workDir, nodes, readyTimeout, prefix, subnet, observe, ClusterMode.REAL);
  }

  /** As above, reproducing as much of a deployment as {@code mode} says. */
  public static LocalCluster start(Path workDir, List<String> nodes, Duration readyTimeout, String prefix, int subnet,
      ObserveFlags observe, ClusterMode mode) {
    LocalCluster c = new LocalCluster(workDir, new NetworkTopology(new SystemProcessRunner(), prefix, subnet));
    try {
      c.network.create(nodes);
      c.pki = mode.plaintext() ? ClusterPki.plaintext(workDir.resolve("pki")) : ClusterPki.at(workDir.resolve("pki"));
      String bridge = c.network.bridgeAddress();
      String coordinatorAddress = bridge + ":7070";
      // Certificates are issued on first use, with the addresses of that use: the coordinator's must name
      // the bridge it serves on before anything else asks for it (the harness dials agents as the coordinator).
      var coordinatorTls = mode.plaintext() ? null : c.pki.files(Identity.coordinator(), bridge);
      // Agents first: a JVM start and the CRIU capability trials are the slowest part of a cluster's start
      // (minutes under emulation), and they need neither etcd nor the coordinator, whom they retry.
      for (String node : nodes) {
        c.agents.put(node, new AgentNode(c.runner, c.network, node, workDir.resolve(node).resolve("state"),
            coordinatorAddress, c.pki, observe.args(c.network.host(node).address(), bridge), mode.registerInterval()).start());
      }
      if (mode.plaintext()) {
        c.etcd = EmbeddedEtcd.start(c.runner, workDir.resolve("etcd"), readyTimeout); // its start shares the CPU with the agents'
      } else { // etcd serves https only to certificates of the cluster CA; the coordinator's own is its client certificate
        var etcdTls = new EtcdServerTls(c.pki.files(Identity.etcd("local")),
            new ClientTls(coordinatorTls));
        c.etcd = EmbeddedEtcd.start(c.runner, workDir.resolve("etcd"), readyTimeout, etcdTls);
      }
      c.coordinator = new CoordinatorNode(c.runner, coordinatorAddress, c.etcd.endpoint(), workDir.resolve("coordinator.log"), c.pki,
          observe.args(bridge, bridge), mode).start();
      c.awaitNodesReady(readyTimeout);
      return c;
    } catch (RuntimeException e) {
      c.close();
      throw e;
    }
  }

  public void awaitNodesReady(Duration timeout) {
    await("every node registered and ready").atMost(timeout).pollInterval(Duration.ofMillis(500)).ignoreExceptions()
        .until(() -> coordinator.stub().listNodes(ListNodesRequest.getDefaultInstance()).getNodesList().stream()
            .filter(n -> n.getStatus() == NodeStatus.NODE_STATUS_READY).count() == agents.size());
  }

  /** SIGKILLs the coordinator, as a crash would; its election lease expires on its own. */
  public void killCoordinator() {
    coordinator.kill();
  }

  /**
   * Starts a new coordinator process on the same address and waits until it leads: it must win
   * the election once the dead one's lease expires, then recover in-flight migrations from etcd.
   */
  public void startCoordinator(Duration timeout) {
    coordinator.start();
    awaitNodesReady(timeout);
  }

  /** Stops etcd and starts a new one on the same data directory and ports. */
  public void restartEtcd(Duration timeout) {
    etcd = etcd.restart(runner, timeout);
  }

  /** SIGKILLs a node's agent; its containers keep running. */
  public void killAgent(String node) {
    agent(node).kill();
  }

  /** Starts a node's agent again (same state directory) and waits until the coordinator sees it ready. */
  public void startAgent(String node, Duration timeout) {
    agent(node).start().awaitServing(timeout);
    awaitNodesReady(timeout);
  }

  @Override
  public dev.ferry.proto.v1.CoordinatorGrpc.CoordinatorBlockingStub coordinatorStub() {
    return coordinator.stub();
  }

  @Override
  public String coordinatorAddress() {
    return coordinator.address();
  }

  @Override
  public List<AgentNode> agents() {
    return List.copyOf(agents.values());
  }

  @Override
  public AgentNode agent(String node) {
    AgentNode a = agents.get(node);
    if (a == null) {
      throw new IllegalArgumentException("no node " + node);
    }
    return a;
  }

  public CoordinatorNode coordinator() {
    return coordinator;
  }

  public EmbeddedEtcd etcd() {
    return etcd;
  }

  /** The cluster's CA and member certificates (in workDir/pki). */
  @Override
  public ClusterPki pki() {
    return pki;
  }

  public NetworkTopology network() {
    return network;
  }

  @Override
  public Path workDir() {
    return workDir;
  }

  public ProcessRunner runner() {
    return runner;
  }

  @Override
  public void close() {
    if (coordinator != null) {
      coordinator.close();
    }
    for (AgentNode a : agents.values()) {
      a.close();
      // Containers outlive their agent (by design); a test run must not, nor their named network namespaces.
      runner.run(ProcessSpec.of("sh", "-c", "for c in $(crun --root \"$0\" list -q 2>/dev/null); do crun --root \"$0\" delete -f \"$c\"; "
              + "ip netns del \"ferry-$1-$c\" 2>/dev/null; done; true",
          a.stateDir().resolve("crun").toString(), a.node()));
    }
    if (etcd != null) {
      etcd.close();
    }
    network.close();
  }
}

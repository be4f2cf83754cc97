package dev.ferry.ha;

import static org.awaitility.Awaitility.await;

import dev.ferry.e2e.cluster.AgentNode;
import dev.ferry.e2e.cluster.Cluster;
import dev.ferry.e2e.cluster.ClusterPki;
import dev.ferry.e2e.cluster.CoordinatorNode;
import dev.ferry.e2e.cluster.NetworkTopology;
import dev.ferry.process.ProcessRunner;
import dev.ferry.process.ProcessSpec;
import dev.ferry.process.SystemProcessRunner;
import dev.ferry.proto.v1.CoordinatorGrpc;
import dev.ferry.proto.v1.ListNodesRequest;
import dev.ferry.proto.v1.NodeStatus;
import dev.ferry.proto.v1.UncordonRequest;
import dev.ferry.security.Identity;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Agents on this host (one network namespace each, as in the e2e suite) under a control plane in
 * containers: three etcd members, two coordinators, and a TCP proxy the agents register through.
 * The host routes between the agents' bridge and the Docker network, so coordinators dial agents
 * at their own addresses. Every connection is mutual TLS with certificates from the suite's own CA
 * (in workDir/pki): the coordinators' certificate names them (coordinator-1, coordinator-2) and the
 * proxy's address the agents dial; each agent's names its node and address.
 */
final class HaCluster implements Cluster, AutoCloseable {
  private static final int PROXY_PORT = 7170;

  private final ProcessRunner runner = new SystemProcessRunner();
  private final Path workDir;
  private final NetworkTopology network;
  private final ClusterPki pki;
  private final Map<String, AgentNode> agents = new LinkedHashMap<>();
  private final Map<Integer, ManagedChannel> channels = new LinkedHashMap<>();
  private ControlPlane plane;
  private CoordinatorProxy proxy;
  private int leader;

  private final String suite;

  private HaCluster(Path workDir, NetworkTopology network, String suite) {
    this.suite = suite;
    this.workDir = workDir;
    this.network = network;
    this.pki = ClusterPki.at(workDir.resolve("pki"));
  }

  /** @param imageTag the tag deploy/images/build.sh gave the images (FERRY_IMAGE_TAG) */
  static HaCluster start(Path workDir, List<String> nodes, String prefix, int subnet, String imageTag,
      Duration timeout) {
    HaCluster c = new HaCluster(workDir, new NetworkTopology(new SystemProcessRunner(), prefix, subnet), prefix);
    try {
      c.removeLeftovers();
      c.network.create(nodes);
      // One coordinator certificate for both: they are reached by name (the harness) and through the proxy (agents).
      var coordinatorTls = c.pki.files(Identity.coordinator(), List.of(ControlPlane.coordinatorName(1),
          ControlPlane.coordinatorName(2)), List.of(c.network.bridgeAddress()));
      var etcdTls = c.pki.files(Identity.etcd("ha"), java.util.stream.IntStream.rangeClosed(1, 3).mapToObj(ControlPlane::etcdName).toList(),
          List.of());
      c.plane = ControlPlane.start(3, 2, Duration.ofSeconds(6), coordinatorTls, etcdTls, prefix, imageTag);
      List<String> coordinators = List.of(c.plane.coordinatorAddress(1), c.plane.coordinatorAddress(2));
      for (int i = 1; i <= 2; i++) {
        // Container addresses are known only once they run: check the certificate against the coordinator's name.
        c.channels.put(i, c.pki.transport(CoordinatorNode.OPERATOR).channel(coordinators.get(i - 1))
            .overrideAuthority(ControlPlane.coordinatorName(i)).build());
      }
      c.proxy = CoordinatorProxy.start(c.runner, workDir.resolve("proxy"), c.network.bridgeAddress(), PROXY_PORT, coordinators);
      for (String node : nodes) {
        c.agents.put(node, new AgentNode(c.runner, c.network, node, workDir.resolve(node).resolve("state"),
            c.proxy.address(), c.pki).start());
      }
      c.awaitLeader(timeout);
      c.awaitNodesReady(timeout);
      return c;
    } catch (RuntimeException e) {
      c.close();
      throw e;
    }
  }

  /** Containers of a run that crashed before closing (Ryuk, which would remove them, cannot run here). */
  private void removeLeftovers() {
    runner.run(ProcessSpec.of("sh", "-c", "ids=$(docker ps -aq --filter label=" + ControlPlane.SUITE_LABEL + "=" + suite + "); "
        + "[ -z \"$ids\" ] || docker rm -f $ids >/dev/null; true"));
  }

  ControlPlane plane() {
    return plane;
  }

  NetworkTopology network() {
    return network;
  }

  ProcessRunner runner() {
    return runner;
  }

  CoordinatorGrpc.CoordinatorBlockingStub stub(int coordinator) {
    return CoordinatorGrpc.newBlockingStub(channels.get(coordinator)).withDeadlineAfter(10, TimeUnit.SECONDS);
  }

  /**
   * Which coordinator accepts commands now, asked the way a client finds out: a harmless write
   * (uncordoning a node that is not cordoned) that only the leader performs; the others answer NOT_LEADER.
   */
  Optional<Integer> probeLeader() {
    String node = agents.keySet().iterator().next();
    for (int i = 1; i <= plane.coordinators(); i++) {
      if (!plane.coordinatorRunning(i)) {
        continue;
      }
      try {
        CoordinatorGrpc.newBlockingStub(channels.get(i)).withDeadlineAfter(2, TimeUnit.SECONDS)
            .uncordon(UncordonRequest.newBuilder().setNode(node).build());
        leader = i;
        return Optional.of(i);
      } catch (StatusRuntimeException e) {
        if (e.getStatus().getCode() == io.grpc.Status.Code.NOT_FOUND) {
          leader = i; // the node is not registered yet, but leadership was checked first
          return Optional.of(i);
        }
        // NOT_LEADER, or unreachable: ask the next one.
      }
    }
    return Optional.empty();
  }

  /** What coordinator {@code i} answers to a write now: OK when it leads, UNAVAILABLE naming the leader when not. */
  io.grpc.Status answer(int i, Duration deadline) {
    try {
      CoordinatorGrpc.newBlockingStub(channels.get(i)).withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS)
          .uncordon(UncordonRequest.newBuilder().setNode(agents.keySet().iterator().next()).build());
      return io.grpc.Status.OK;
    } catch (StatusRuntimeException e) {
      return e.getStatus();
    }
  }

  /**
   * True when coordinator {@code i} refuses writes because it does not lead (not merely slow or
   * unreachable). A deposed coordinator first asks etcd who leads, for up to its request timeout
   * (5 s), to name it in the refusal: the deadline must outlast that.
   */
  boolean refusesAsFollower(int i) {
    io.grpc.Status s = answer(i, Duration.ofSeconds(8));
    return s.getCode() == io.grpc.Status.Code.UNAVAILABLE && String.valueOf(s.getDescription()).contains("not the leader");
  }

  boolean leads(int i) {
    io.grpc.Status.Code c = answer(i, Duration.ofSeconds(2)).getCode();
    return c == io.grpc.Status.Code.OK || c == io.grpc.Status.Code.NOT_FOUND;
  }

  int awaitLeader(Duration timeout) {
    await("a coordinator leads").atMost(timeout).pollInterval(Duration.ofMillis(100)).until(() -> probeLeader().isPresent());
    return leader;
  }

  int leader() {
    return leader;
  }

  void awaitNodesReady(Duration timeout) {
    await("every node registered and ready").atMost(timeout).pollInterval(Duration.ofMillis(500)).ignoreExceptions()
        .until(() -> coordinatorStub().listNodes(ListNodesRequest.getDefaultInstance()).getNodesList().stream()
            .filter(n -> n.getStatus() == NodeStatus.NODE_STATUS_READY).count() == agents.size());
  }

  /** The last known leader if it still runs (reads work on any coordinator), else whichever coordinator runs. */
  @Override
  public CoordinatorGrpc.CoordinatorBlockingStub coordinatorStub() {
    if (leader == 0 || !plane.coordinatorRunning(leader)) {
      probeLeader();
    }
    int target = leader != 0 && plane.coordinatorRunning(leader) ? leader
        : plane.coordinatorRunning(1) ? 1 : 2;
    return CoordinatorGrpc.newBlockingStub(channels.get(target));
  }

  /**
   * The leader's container address. Its certificate names it coordinator-N, not this address (known
   * only once it runs): a TLS client must check it against that name, as {@link #stub(int)} does;
   * the CLI, which checks the address, would be refused.
   */
  @Override
  public String coordinatorAddress() {
    return plane.coordinatorAddress(leader == 0 ? 1 : leader);
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

  @Override
  public Path workDir() {
    return workDir;
  }

  @Override
  public ClusterPki pki() {
    return pki;
  }

  @Override
  public void close() {
    for (AgentNode a : agents.values()) {
      a.close();
      runner.run(ProcessSpec.of("sh", "-c", "for c in $(crun --root \"$0\" list -q 2>/dev/null); do crun --root \"$0\" delete -f \"$c\"; "
              + "ip netns del \"ferry-$1-$c\" 2>/dev/null; done; true",
          a.stateDir().resolve("crun").toString(), a.node()));
    }
    channels.values().forEach(ManagedChannel::shutdownNow);
    if (proxy != null) {
      proxy.close();
    }
    if (plane != null) {
      plane.close();
    }
    network.close();
  }
}

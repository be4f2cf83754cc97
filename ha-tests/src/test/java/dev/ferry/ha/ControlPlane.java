package dev.ferry.ha;

import com.github.dockerjava.api.DockerClient;
import dev.ferry.security.tls.TlsFiles;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.Network;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.lifecycle.Startables;
import org.testcontainers.utility.DockerImageName;
import org.testcontainers.utility.MountableFile;

/**
 * Ferry's HA control plane in containers, from the images deploy/images/build.sh made: three
 * etcd members and two coordinators on one Docker network, as deploy/compose.yaml describes. etcd
 * speaks mutual TLS to its clients and to its peers, with certificates of the cluster CA, and the
 * coordinators reach it with their own certificate (their default for {@code https://} endpoints).
 * Members and coordinators can be killed and started again, as crashes and repairs would.
 */
final class ControlPlane implements AutoCloseable {
  /** Every container the suite starts carries it, so a crashed run's leftovers can be found (Ryuk is off). */
  static final String LABEL = "dev.ferry.ha";
  /** Which suite started it: parallel suites (other prefixes) must not remove each other's containers. */
  static final String SUITE_LABEL = "dev.ferry.ha.suite";

  private final Network network = Network.newNetwork();
  private final List<GenericContainer<?>> etcd = new ArrayList<>();
  private final List<GenericContainer<?>> coordinators = new ArrayList<>();
  private final DockerClient docker = DockerClientFactory.instance().client();

  /** Where the coordinator image's process finds its certificate, key and CA (the package's /etc/ferry/tls layout). */
  static final String TLS_DIR = "/etc/ferry/tls/";

  /** Network alias of coordinator {@code i} (1-based): a DNS name its certificate carries. */
  static String coordinatorName(int i) {
    return "coordinator-" + i;
  }

  /** Where the etcd image's process finds its member certificate, key and the cluster CA. */
  private static final String ETCD_TLS_DIR = "/etc/etcd/tls/";

  /** Network alias of etcd member {@code i} (1-based): a DNS name the members' certificate carries. */
  static String etcdName(int i) {
    return "etcd-" + i;
  }

  /**
   * @param tls     the coordinators' certificate: they serve and dial mutual TLS with it (issued for every name and
   *                address they are reached on), etcd included
   * @param etcdTls the members' certificate (every {@link #etcdName}), for clients and peers alike
   */
  static ControlPlane start(int members, int coordinatorCount, Duration nodeLeaseTtl, TlsFiles tls, TlsFiles etcdTls,
      String suite, String imageTag) {
    ControlPlane c = new ControlPlane();
    try {
      String cluster = IntStream.rangeClosed(1, members).mapToObj(i -> etcdName(i) + "=https://" + etcdName(i) + ":2380")
          .collect(Collectors.joining(","));
      for (int i = 1; i <= members; i++) {
        Map<String, String> env = new java.util.HashMap<>(Map.of(
            "ETCD_NAME", etcdName(i),
            "ETCD_INITIAL_CLUSTER", cluster,
            "ETCD_INITIAL_CLUSTER_STATE", "new",
            "ETCD_INITIAL_CLUSTER_TOKEN", "ferry-ha",
            "ETCD_LISTEN_CLIENT_URLS", "https://0.0.0.0:2379",
            "ETCD_LISTEN_PEER_URLS", "https://0.0.0.0:2380",
            "ETCD_ADVERTISE_CLIENT_URLS", "https://" + etcdName(i) + ":2379",
            "ETCD_INITIAL_ADVERTISE_PEER_URLS", "https://" + etcdName(i) + ":2380"));
        // Clients and peers alike must show a certificate of the cluster CA.
        env.putAll(Map.of(
            "ETCD_CERT_FILE", ETCD_TLS_DIR + "member.crt",
            "ETCD_KEY_FILE", ETCD_TLS_DIR + "member.key",
            "ETCD_TRUSTED_CA_FILE", ETCD_TLS_DIR + "ca.crt",
            "ETCD_CLIENT_CERT_AUTH", "true",
            "ETCD_PEER_CERT_FILE", ETCD_TLS_DIR + "member.crt",
            "ETCD_PEER_KEY_FILE", ETCD_TLS_DIR + "member.key",
            "ETCD_PEER_TRUSTED_CA_FILE", ETCD_TLS_DIR + "ca.crt",
            "ETCD_PEER_CLIENT_CERT_AUTH", "true"));
        c.etcd.add(new GenericContainer<>(DockerImageName.parse("ferry/etcd:" + imageTag)).withNetwork(c.network)
            .withNetworkAliases(etcdName(i)).withLabel(LABEL, "etcd").withLabel(SUITE_LABEL, suite).withEnv(env)
            .withCopyFileToContainer(MountableFile.forHostPath(etcdTls.certificate(), 0444), ETCD_TLS_DIR + "member.crt")
            .withCopyFileToContainer(MountableFile.forHostPath(etcdTls.key(), 0400), ETCD_TLS_DIR + "member.key")
            .withCopyFileToContainer(MountableFile.forHostPath(etcdTls.ca(), 0444), ETCD_TLS_DIR + "ca.crt")
            .waitingFor(Wait.forLogMessage(".*ready to serve client requests.*", 1)
                .withStartupTimeout(Duration.ofSeconds(60))));
      }
      // Members wait for each other before serving: they must start together.
      Startables.deepStart(c.etcd).join();
      String endpoints = IntStream.rangeClosed(1, members).mapToObj(i -> "https://" + etcdName(i) + ":2379")
          .collect(Collectors.joining(","));
      for (int i = 1; i <= coordinatorCount; i++) {
        c.coordinators.add(new GenericContainer<>(DockerImageName.parse("ferry/coordinator:" + imageTag)).withNetwork(c.network)
            .withNetworkAliases(coordinatorName(i)).withLabel(LABEL, "coordinator").withLabel(SUITE_LABEL, suite)
            // The image runs as uid 10001: the (test CA's) key must be readable by it.
            .withCopyFileToContainer(MountableFile.forHostPath(tls.certificate(), 0444), TLS_DIR + "coordinator.crt")
            .withCopyFileToContainer(MountableFile.forHostPath(tls.key(), 0444), TLS_DIR + "coordinator.key")
            .withCopyFileToContainer(MountableFile.forHostPath(tls.ca(), 0444), TLS_DIR + "ca.crt")
            .withEnv(Map.of(
                "FERRY_COORDINATOR_ETCD", endpoints,
                "FERRY_COORDINATOR_ADVERTISE", coordinatorName(i) + ":7070",
                "FERRY_COORDINATOR_NODE_LEASE_TTL", nodeLeaseTtl.toString(),
                "FERRY_COORDINATOR_TLS_CERT", TLS_DIR + "coordinator.crt",
                "FERRY_COORDINATOR_TLS_KEY", TLS_DIR + "coordinator.key",
                "FERRY_COORDINATOR_TLS_CA", TLS_DIR + "ca.crt")));
        // Ready means "answers gRPC and one of them leads": HaCluster.awaitLeader asks over the API.
      }
      Startables.deepStart(c.coordinators).join();
      return c;
    } catch (RuntimeException e) {
      c.close();
      throw e;
    }
  }

  /** Container address of coordinator {@code i} (1-based), reachable from the host and, routed, from the agents. */
  String coordinatorAddress(int i) {
    return ip(coordinators.get(i - 1)) + ":7070";
  }

  int coordinators() {
    return coordinators.size();
  }

  boolean coordinatorRunning(int i) {
    return running(coordinators.get(i - 1));
  }

  /** SIGKILL, as a crashed machine: its election lease expires on its own. */
  void killCoordinator(int i) {
    docker.killContainerCmd(coordinators.get(i - 1).getContainerId()).exec();
  }

  /** Freezes every process of the coordinator (cgroup freezer), as a long GC pause or a stalled VM would. */
  void pauseCoordinator(int i) {
    docker.pauseContainerCmd(coordinators.get(i - 1).getContainerId()).exec();
  }

  void unpauseCoordinator(int i) {
    docker.unpauseContainerCmd(coordinators.get(i - 1).getContainerId()).exec();
  }

  boolean coordinatorPaused(int i) {
    return Boolean.TRUE.equals(docker.inspectContainerCmd(coordinators.get(i - 1).getContainerId()).exec()
        .getState().getPaused());
  }

  void startCoordinator(int i) {
    docker.startContainerCmd(coordinators.get(i - 1).getContainerId()).exec();
  }

  void killEtcd(int i) {
    docker.killContainerCmd(etcd.get(i - 1).getContainerId()).exec();
  }

  void startEtcd(int i) {
    docker.startContainerCmd(etcd.get(i - 1).getContainerId()).exec();
  }

  /** The etcd member's current address (a restarted member may get another one). */
  String etcdIp(int i) {
    return ip(etcd.get(i - 1));
  }

  String coordinatorIp(int i) {
    return ip(coordinators.get(i - 1));
  }

  boolean etcdRunning(int i) {
    return running(etcd.get(i - 1));
  }

  int members() {
    return etcd.size();
  }

  String coordinatorLogs(int i) {
    return coordinators.get(i - 1).getLogs();
  }

  /** Running and not paused: a frozen container answers nothing, so callers treat it like a stopped one. */
  private boolean running(GenericContainer<?> c) {
    var state = docker.inspectContainerCmd(c.getContainerId()).exec().getState();
    return Boolean.TRUE.equals(state.getRunning()) && !Boolean.TRUE.equals(state.getPaused());
  }

  private String ip(GenericContainer<?> c) {
    return docker.inspectContainerCmd(c.getContainerId()).exec().getNetworkSettings().getNetworks().values().iterator()
        .next().getIpAddress();
  }

  @Override
  public void close() {
    coordinators.forEach(GenericContainer::stop);
    etcd.forEach(GenericContainer::stop);
    network.close();
  }
}

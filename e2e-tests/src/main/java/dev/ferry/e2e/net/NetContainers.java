package dev.ferry.e2e.net;

import static org.awaitility.Awaitility.await;

import dev.ferry.e2e.cluster.AgentNode;
import dev.ferry.e2e.cluster.LocalCluster;
import dev.ferry.proto.v1.ContainerInfo;
import dev.ferry.proto.v1.ContainerState;
import dev.ferry.proto.v1.CreateContainerRequest;
import dev.ferry.proto.v1.ListContainersRequest;
import dev.ferry.proto.v1.ResourceLimits;
import dev.ferry.testkit.TestRootfs;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/** Containers that serve on the container network (an echo server, an HTTP server), and where they are. */
public final class NetContainers {
  public static final int ECHO_TCP = 7000;
  public static final int ECHO_UDP = 7001;
  public static final int HTTP = 80;
  private static final long MEMORY = 32L << 20;

  /** Where a container runs and the address it holds there. */
  public record Placement(String node, String address) {}

  private final LocalCluster cluster;

  public NetContainers(LocalCluster cluster) {
    this.cluster = cluster;
  }

  /** ferry-echo on {@code node}; returns once its TCP port accepts connections. */
  public Placement createEcho(String node, String containerId) {
    Path rootfs = TestRootfs.build(cluster.workDir().resolve("rootfs-" + containerId));
    create(node, containerId, rootfs, TestRootfs.echoArgs(ECHO_TCP, ECHO_UDP));
    return awaitListening(containerId, ECHO_TCP);
  }

  /** busybox httpd serving /www/index.html (its text names the container) on port 80. */
  public Placement createHttpd(String node, String containerId) {
    Path rootfs = TestRootfs.build(cluster.workDir().resolve("rootfs-" + containerId));
    try {
      Files.createDirectories(rootfs.resolve("www"));
      Files.writeString(rootfs.resolve("www/index.html"), "hello from " + containerId + "\n");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    create(node, containerId, rootfs, List.of("/bin/httpd", "-f", "-p", Integer.toString(HTTP), "-h", "/www"));
    return awaitListening(containerId, HTTP);
  }

  private void create(String node, String containerId, Path rootfs, List<String> args) {
    cluster.agent(node).stub().withDeadlineAfter(60, TimeUnit.SECONDS).createContainer(CreateContainerRequest.newBuilder()
        .setContainerId(containerId).setRootfsPath(rootfs.toString()).addAllArgs(args).setStart(true)
        .setLimits(ResourceLimits.newBuilder().setMemoryLimitBytes(MEMORY)).build());
  }

  private Placement awaitListening(String containerId, int port) {
    Placement p = await(containerId + " has an address").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
        .until(() -> placement(containerId).filter(x -> !x.address().isEmpty()), Optional::isPresent).orElseThrow();
    await(containerId + " accepts on " + p.address() + ":" + port).atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(100)).ignoreExceptions().until(() -> {
          try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(p.address(), port), 1000);
            return true;
          }
        });
    return p;
  }

  /** The node whose agent reports the container RUNNING, and its address there (empty if none runs it). */
  public Optional<Placement> placement(String containerId) {
    for (AgentNode a : cluster.agents()) {
      Optional<ContainerInfo> info = a.stub().withDeadlineAfter(10, TimeUnit.SECONDS)
          .listContainers(ListContainersRequest.getDefaultInstance()).getContainersList().stream()
          .filter(c -> c.getContainerId().equals(containerId) && c.getState() == ContainerState.CONTAINER_STATE_RUNNING)
          .findFirst();
      if (info.isPresent()) {
        return Optional.of(new Placement(a.node(), info.get().getAddress()));
      }
    }
    return Optional.empty();
  }
}

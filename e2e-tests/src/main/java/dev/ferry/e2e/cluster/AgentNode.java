package dev.ferry.e2e.cluster;

import dev.ferry.process.ProcessRunner;
import dev.ferry.process.RunningProcess;
import dev.ferry.proto.v1.NodeAgentGrpc;
import io.grpc.ManagedChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** One node agent as its own process inside its host's network namespace, with its own state directory. */
public final class AgentNode implements AutoCloseable {
  public static final int PORT = 7071;

  private final ProcessRunner runner;
  private final NetworkTopology.Host host;
  private final NetworkTopology topology;
  private final Path stateDir;
  private final String coordinator;
  private final ClusterPki pki;
  private final List<String> extraArgs;
  private final java.time.Duration registerInterval;
  private RunningProcess process;
  private ManagedChannel channel;
  private int starts;

  /** An agent whose CA lives beside its state directory (agents of one test share it when their state directories are siblings). */
  public AgentNode(ProcessRunner runner, NetworkTopology topology, String node, Path stateDir, String coordinator) {
    this(runner, topology, node, stateDir, coordinator, ClusterPki.at(stateDir.toAbsolutePath().getParent().resolve("pki")),
        List.of());
  }

  public AgentNode(ProcessRunner runner, NetworkTopology topology, String node, Path stateDir, String coordinator, ClusterPki pki) {
    this(runner, topology, node, stateDir, coordinator, pki, List.of());
  }

  /** @param extraArgs more flags for the process (metrics, tracing) */
  public AgentNode(ProcessRunner runner, NetworkTopology topology, String node, Path stateDir, String coordinator,
      ClusterPki pki, List<String> extraArgs) {
    this(runner, topology, node, stateDir, coordinator, pki, extraArgs, java.time.Duration.ofSeconds(1));
  }

  /** @param registerInterval how often it re-registers with the coordinator (its calls' deadline too) */
  public AgentNode(ProcessRunner runner, NetworkTopology topology, String node, Path stateDir, String coordinator,
      ClusterPki pki, List<String> extraArgs, java.time.Duration registerInterval) {
    this.registerInterval = registerInterval;
    this.pki = pki;
    this.extraArgs = List.copyOf(extraArgs);
    this.runner = runner;
    this.topology = topology;
    this.host = topology.host(node);
    this.stateDir = stateDir;
    this.coordinator = coordinator;
  }

  public AgentNode start() {
    List<String> args = new ArrayList<>(List.of("--node", host.node(), "--state-dir", stateDir.toString(),
        "--listen", address()));
    args.addAll(pki.args(dev.ferry.security.Identity.node(host.node()), host.address()));
    if (coordinator != null) {
      // Container addresses come from the coordinator's etcd: without one, containers keep a private namespace.
      args.addAll(List.of("--coordinator", coordinator, "--register-interval", registerInterval.toString(),
          "--container-network", topology.containerNetwork(), "--bridge", topology.nodeBridge()));
    }
    args.addAll(extraArgs);
    process = JavaProcess.start(runner, topology.inNamespace(host.node()), "dev.ferry.agent.AgentMain", args,
        stateDir.resolveSibling(host.node() + "-agent" + (starts++ == 0 ? "" : "." + starts) + ".log"));
    if (channel == null) {
      // The harness commands agents as the coordinator would.
      channel = pki.transport(dev.ferry.security.Identity.coordinator()).channel(address()).build();
    }
    return this;
  }

  public String node() {
    return host.node();
  }

  public String address() {
    return host.address() + ":" + PORT;
  }

  public Path stateDir() {
    return stateDir;
  }

  /** A stub for one call (or a few in a row): agents require a deadline on every command, two minutes from now here. */
  public NodeAgentGrpc.NodeAgentBlockingStub stub() {
    return NodeAgentGrpc.newBlockingStub(channel).withDeadlineAfter(2, java.util.concurrent.TimeUnit.MINUTES);
  }

  /** Waits until the agent answers (a fresh agent probes its capabilities before it serves). */
  public void awaitServing(java.time.Duration timeout) {
    org.awaitility.Awaitility.await(node() + " agent serving").atMost(timeout).pollInterval(java.time.Duration.ofMillis(300))
        .ignoreExceptions().until(() -> {
          stub().withDeadlineAfter(2, java.util.concurrent.TimeUnit.SECONDS)
              .listContainers(dev.ferry.proto.v1.ListContainersRequest.getDefaultInstance());
          return true;
        });
  }

  public boolean isAlive() {
    return process != null && process.isAlive();
  }

  /** SIGKILL the agent, as a crash would; its containers keep running. */
  public void kill() {
    ProcessHandle.of(process.pid()).ifPresent(p -> {
      p.descendants().filter(d -> d.info().command().map(c -> c.endsWith("java")).orElse(false)).forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
    });
    process.await(java.time.Duration.ofSeconds(10));
  }

  /**
   * SIGKILL the agent and every process it started (CRIU page servers, lazy-pages daemons): the
   * host's Ferry side dies, as in a crash of the machine, while the containers themselves run on.
   */
  public void killWithChildren() {
    ProcessHandle.of(process.pid()).ifPresent(p -> {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
    });
    process.await(java.time.Duration.ofSeconds(10));
  }

  @Override
  public void close() {
    if (process != null && process.isAlive()) {
      kill();
    }
    if (channel != null) {
      channel.shutdownNow();
    }
  }
}

package dev.ferry.e2e.cluster;

import dev.ferry.process.ProcessRunner;
import dev.ferry.process.RunningProcess;
import dev.ferry.proto.v1.CoordinatorGrpc;
import io.grpc.ManagedChannel;
import dev.ferry.security.Identity;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** A coordinator as its own process on the host, reachable from every node's namespace over the bridge. */
public final class CoordinatorNode implements AutoCloseable {
  private final ProcessRunner runner;
  private final String address;
  private final String etcdEndpoint;
  private final Path log;
  private final ClusterPki pki;
  private final List<String> extraArgs;
  private RunningProcess process;
  private ManagedChannel channel;
  private int starts;

  public CoordinatorNode(ProcessRunner runner, String address, String etcdEndpoint, Path log, ClusterPki pki) {
    this(runner, address, etcdEndpoint, log, pki, List.of());
  }

  /** @param extraArgs more flags for the process (metrics, tracing) */
  public CoordinatorNode(ProcessRunner runner, String address, String etcdEndpoint, Path log, ClusterPki pki,
      List<String> extraArgs) {
    this.pki = pki;
    this.extraArgs = List.copyOf(extraArgs);
    this.runner = runner;
    this.address = address;
    this.etcdEndpoint = etcdEndpoint;
    this.log = log;
  }

  public CoordinatorNode start() {
    List<String> args = new java.util.ArrayList<>(List.of("--listen", address, "--etcd", etcdEndpoint, "--node-lease-ttl", "PT6S"));
    args.addAll(pki.args(Identity.coordinator(), address.substring(0, address.lastIndexOf(':'))));
    args.addAll(extraArgs);
    process = JavaProcess.start(runner, List.of(), "dev.ferry.coordinator.CoordinatorMain", args,
        starts++ == 0 ? log : log.resolveSibling(log.getFileName() + "." + starts)); // a restart keeps the dead one's log
    if (channel == null) {
      // The harness calls the coordinator as an operator would.
      channel = pki.transport(OPERATOR).channel(address).build();
    }
    return this;
  }

  /** The identity the harness (and the CLI it runs) uses on the coordinator. */
  public static final Identity OPERATOR = Identity.operator("e2e");

  public String address() {
    return address;
  }

  public CoordinatorGrpc.CoordinatorBlockingStub stub() {
    return CoordinatorGrpc.newBlockingStub(channel);
  }

  public boolean isAlive() {
    return process != null && process.isAlive();
  }

  /** SIGKILL, as a crash would. */
  public void kill() {
    ProcessHandle.of(process.pid()).ifPresent(ProcessHandle::destroyForcibly);
    process.await(Duration.ofSeconds(10));
  }

  @Override
  public void close() {
    if (isAlive()) {
      kill();
    }
    if (channel != null) {
      channel.shutdownNow();
    }
  }
}

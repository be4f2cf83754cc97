package dev.ferry.e2e.cluster;

import dev.ferry.process.ProcessRunner;
import dev.ferry.process.RunningProcess;
import dev.ferry.proto.v1.CoordinatorGrpc;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** A coordinator as its own process on the host, reachable from every node's namespace over the bridge. */
public final class CoordinatorNode implements AutoCloseable {
  private final ProcessRunner runner;
  private final String address;
  private final String etcdEndpoint;
  private final Path log;
  private final List<String> extraArgs;
  private RunningProcess process;
  private ManagedChannel channel;
  private int starts;

  public CoordinatorNode(ProcessRunner runner, String address, String etcdEndpoint, Path log) {
    this(runner, address, etcdEndpoint, log, List.of());
  }

  /** @param extraArgs more flags for the process (metrics, tracing) */
  public CoordinatorNode(ProcessRunner runner, String address, String etcdEndpoint, Path log, List<String> extraArgs) {
    this.extraArgs = List.copyOf(extraArgs);
    this.runner = runner;
    this.address = address;
    this.etcdEndpoint = etcdEndpoint;
    this.log = log;
  }

  public CoordinatorNode start() {
    process = JavaProcess.start(runner, List.of(), "dev.ferry.coordinator.CoordinatorMain",
        java.util.stream.Stream.concat(java.util.stream.Stream.of("--listen", address, "--etcd", etcdEndpoint,
            "--node-lease-ttl", "PT6S"), extraArgs.stream()).toList(),
        starts++ == 0 ? log : log.resolveSibling(log.getFileName() + "." + starts)); // a restart keeps the dead one's log
    if (channel == null) {
      channel = NettyChannelBuilder.forTarget(address).usePlaintext().build();
    }
    return this;
  }

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

package dev.ferry.testkit;

import dev.ferry.agent.AgentSteps;
import dev.ferry.agent.NodeAgent;
import dev.ferry.agent.NodeLayout;
import dev.ferry.agent.grpc.AgentServer;
import dev.ferry.agent.network.Networking;
import dev.ferry.agent.runtime.ContainerId;
import dev.ferry.process.ProcessRunner;
import dev.ferry.process.ProcessSpec;
import dev.ferry.process.SystemProcessRunner;
import dev.ferry.proto.v1.NodeAgentGrpc;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import dev.ferry.proto.v1.Epoch;
import dev.ferry.proto.v1.MigrationContext;
import dev.ferry.proto.v1.SendImagesRequest;
import dev.ferry.proto.v1.TransferProgress;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real node agent (real crun, real CRIU, its own state directory) served in-process over
 * gRPC. {@link #restart()} drops the agent and builds a new one on the same state, as a
 * crashed and restarted agent would find it.
 */
public final class AgentHarness implements AutoCloseable {
  public static final ProcessRunner RUNNER = new SystemProcessRunner();

  private final String node;
  private final Path stateDir;
  private AgentSteps steps;
  private Server server;
  private ManagedChannel channel;

  private final java.util.function.Function<NodeLayout, Networking> networking;
  private final ProcessRunner runner;

  public AgentHarness(String node, Path stateDir) {
    this(node, stateDir, layout -> Networking.none());
  }

  /** An agent whose containers are networked as {@code networking} says. */
  public AgentHarness(String node, Path stateDir, java.util.function.Function<NodeLayout, Networking> networking) {
    this(node, stateDir, networking, RUNNER);
  }

  /** An agent that spawns its processes (crun, CRIU...) through {@code runner}. */
  public AgentHarness(String node, Path stateDir, java.util.function.Function<NodeLayout, Networking> networking,
      ProcessRunner runner) {
    this.node = node;
    this.stateDir = stateDir;
    this.networking = networking;
    this.runner = runner;
    start();
  }

  private void start() {
    steps = NodeAgent.build(node, stateDir, Path.of("/bin/busybox"), runner, Timing.scaled(Duration.ofMinutes(2)), "127.0.0.1",
        networking);
    // Real loopback TCP, so agents can send images to each other as on separate hosts.
    server = AgentServer.start(NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0)), steps, List.of());
    channel = NettyChannelBuilder.forTarget(address()).usePlaintext().build();
  }

  /** host:port of this agent's gRPC server on loopback. */
  public String address() {
    return "127.0.0.1:" + server.getPort();
  }

  public NodeAgentGrpc.NodeAgentBlockingStub stub() {
    return NodeAgentGrpc.newBlockingStub(channel).withDeadlineAfter(Timing.seconds(120).toMillis(), TimeUnit.MILLISECONDS);
  }

  public AgentSteps steps() {
    return steps;
  }

  public String node() {
    return node;
  }

  public NodeLayout layout() {
    return new NodeLayout(stateDir);
  }

  /** Drops the agent (not its containers) and starts a new one on the same state directory. */
  public void restart() {
    channel.shutdownNow();
    server.shutdownNow();
    start();
  }

  /** SendImages to another agent over loopback: the container's rootfs and one image directory; returns the last progress. */
  public TransferProgress sendTo(AgentHarness target, String migrationId, String containerId, String imageId, String token) {
    TransferProgress last = null;
    var it = stub().sendImages(SendImagesRequest.newBuilder()
        .setMigration(MigrationContext.newBuilder().setMigrationId(migrationId).setEpoch(Epoch.newBuilder().setValue(1)))
        .setContainerId(containerId).setImageId(imageId).setTargetAddress(target.address()).setTransferToken(token).build());
    while (it.hasNext()) {
      last = it.next();
    }
    return last;
  }

  /** SendRootfs to another agent over loopback: the first pass of the container's rootfs; returns the last progress. */
  public TransferProgress sendRootfsTo(AgentHarness target, String migrationId, String containerId, String token) {
    TransferProgress last = null;
    var it = stub().sendRootfs(dev.ferry.proto.v1.SendRootfsRequest.newBuilder()
        .setMigration(MigrationContext.newBuilder().setMigrationId(migrationId).setEpoch(Epoch.newBuilder().setValue(1)))
        .setContainerId(containerId).setTargetAddress(target.address()).setTransferToken(token).build());
    while (it.hasNext()) {
      last = it.next();
    }
    return last;
  }

  /** The workload's heartbeat file of a container on this node. */
  public Path heartbeats(String containerId) {
    return layout().rootfs(new ContainerId(containerId)).resolve(TestRootfs.HEARTBEAT.substring(1));
  }

  @Override
  public void close() {
    channel.shutdownNow();
    server.shutdownNow();
    // Kill whatever this node still runs, then remove its state: tests leave nothing behind.
    RUNNER.run(ProcessSpec.of("sh", "-c",
        "for c in $(crun --root \"$0\" list -q 2>/dev/null); do crun --root \"$0\" delete -f \"$c\"; done", layout().crunRoot().toString()));
    RUNNER.run(ProcessSpec.of("rm", "-rf", "--one-file-system", stateDir.toString()));
  }
}

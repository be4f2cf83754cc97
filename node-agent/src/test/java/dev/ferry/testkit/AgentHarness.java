package dev.ferry.testkit;

import dev.ferry.agent.AgentSteps;
import dev.ferry.agent.NodeAgent;
import dev.ferry.agent.NodeLayout;
import dev.ferry.agent.grpc.AgentServer;
import dev.ferry.agent.runtime.ContainerId;
import dev.ferry.process.ProcessRunner;
import dev.ferry.process.ProcessSpec;
import dev.ferry.process.SystemProcessRunner;
import dev.ferry.proto.v1.NodeAgentGrpc;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
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

  public AgentHarness(String node, Path stateDir) {
    this.node = node;
    this.stateDir = stateDir;
    start();
  }

  private void start() {
    steps = NodeAgent.build(node, stateDir, Path.of("/bin/busybox"), RUNNER, Timing.scaled(Duration.ofMinutes(2)));
    String name = node + "-" + System.nanoTime();
    server = AgentServer.start(InProcessServerBuilder.forName(name).directExecutor(), steps, List.of());
    channel = InProcessChannelBuilder.forName(name).directExecutor().build();
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

  /** Stands in for the transfer module: copies a container's rootfs and one image directory to another node. */
  public void copyTo(AgentHarness target, String containerId, String imageId) {
    ContainerId id = new ContainerId(containerId);
    NodeLayout from = layout();
    NodeLayout to = target.layout();
    RUNNER.runChecked(ProcessSpec.of("mkdir", "-p", to.rootfs(id).toString(), to.images(id, imageId).toString()));
    RUNNER.runChecked(ProcessSpec.of("cp", "-a", from.rootfs(id) + "/.", to.rootfs(id).toString()));
    RUNNER.runChecked(ProcessSpec.of("cp", "-a", from.images(id, imageId) + "/.", to.images(id, imageId).toString()));
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

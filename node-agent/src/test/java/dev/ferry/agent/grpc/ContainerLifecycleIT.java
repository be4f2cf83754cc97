package dev.ferry.agent.grpc;

import static dev.ferry.agent.grpc.AgentFixtures.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ferry.proto.v1.Capabilities;
import dev.ferry.proto.v1.ContainerInfo;
import dev.ferry.proto.v1.ContainerRef;
import dev.ferry.proto.v1.ContainerState;
import dev.ferry.proto.v1.CreateContainerRequest;
import dev.ferry.proto.v1.DeleteContainerRequest;
import dev.ferry.proto.v1.GetCapabilitiesRequest;
import dev.ferry.proto.v1.ListContainersRequest;
import dev.ferry.proto.v1.ReasonCode;
import dev.ferry.proto.v1.StopContainerRequest;
import dev.ferry.testkit.AgentHarness;
import dev.ferry.testkit.HeartbeatLog;
import dev.ferry.testkit.HostClocks;
import dev.ferry.testkit.Timing;
import io.grpc.Status;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Capabilities and the container lifecycle RPCs against a real agent (crun + CRIU on this machine). */
class ContainerLifecycleIT {
  @TempDir
  Path dir;
  AgentHarness agent;
  Path rootfs;

  @BeforeEach
  void start() {
    agent = new AgentHarness("life-a", dir.resolve("state"));
    rootfs = rootfs(dir);
  }

  @AfterEach
  void stop() {
    agent.close();
  }

  @Test
  void capabilitiesAreProvenByTrials() {
    Capabilities c = agent.stub().getCapabilities(GetCapabilitiesRequest.getDefaultInstance());
    assertThat(c.getNode()).isEqualTo("life-a");
    assertThat(c.getCriuVersion()).startsWith("4.");
    assertThat(c.getCrunVersion()).startsWith("1.");
    assertThat(c.getCheckpointRestore().getAvailable()).as(c.getCheckpointRestore().getReason()).isTrue();
    assertThat(c.getTimeNamespaces().getAvailable()).isTrue();
    assertThat(c.getNetworkLock().getAvailable()).isTrue();
    assertThat(c.getCpuinfoImage().size()).isPositive();
    assertThat(c.getMemoryAvailableBytes()).isPositive();
    assertThat(c.getDiskAvailableBytes()).isPositive();
    // Whatever this kernel can do, a missing feature comes with its reason.
    for (var f : java.util.List.of(c.getDirtyTracking(), c.getLazyPages())) {
      assertThat(f.getReason()).isNotBlank();
    }
    if (!c.getDirtyTracking().getAvailable()) {
      assertThat(c.getDirtyTracking().getReason()).contains("soft-dirty");
    }
    Capabilities refreshed = agent.stub().getCapabilities(GetCapabilitiesRequest.newBuilder().setRefresh(true).build());
    assertThat(refreshed.getProbedAt().getSeconds()).isGreaterThanOrEqualTo(c.getProbedAt().getSeconds());
  }

  @Test
  void createInspectListStopStartDelete() {
    ContainerInfo created = startWorkload(agent, "ct1", rootfs, 16);
    assertThat(created.getState()).isEqualTo(ContainerState.CONTAINER_STATE_RUNNING);
    assertThat(created.getPid()).isPositive();

    ContainerInfo info = agent.stub().inspectContainer(ref("ct1"));
    assertThat(info.getRssBytes()).isGreaterThan(8L << 20);
    assertThat(info.getTimeOffsets().getMonotonic().getSeconds()).isEqualTo(MONO_OFFSET_S);
    assertThat(info.getTimeOffsets().getBoottime().getSeconds()).isEqualTo(BOOT_OFFSET_S);
    long containerMono = info.getClocks().getMonotonic().getSeconds();
    assertThat(containerMono - HostClocks.monotonicNanos() / 1_000_000_000L).isBetween(MONO_OFFSET_S - 2, MONO_OFFSET_S + 2);
    // The clocks the agent reports agree with what the workload itself writes.
    HeartbeatLog hb = HeartbeatLog.read(agent.heartbeats("ct1"));
    assertThat(hb.last().monotonicNanos() / 1_000_000_000L).isBetween(containerMono - 5, containerMono + 1);

    assertThat(agent.stub().listContainers(ListContainersRequest.getDefaultInstance()).getContainersList())
        .extracting(ContainerInfo::getContainerId).containsExactly("ct1");

    ContainerInfo stopped = agent.stub().stopContainer(StopContainerRequest.newBuilder().setContainerId("ct1")
        .setGracePeriod(com.google.protobuf.Duration.newBuilder().setSeconds(2)).build());
    assertThat(stopped.getState()).isEqualTo(ContainerState.CONTAINER_STATE_STOPPED);
    assertThat(agent.stub().startContainer(ref("ct1")).getState()).isEqualTo(ContainerState.CONTAINER_STATE_RUNNING);

    failure(() -> agent.stub().deleteContainer(DeleteContainerRequest.newBuilder().setContainerId("ct1").build()),
        Status.Code.FAILED_PRECONDITION, ReasonCode.CONTAINER_WRONG_STATE);
    agent.stub().deleteContainer(DeleteContainerRequest.newBuilder().setContainerId("ct1").setForce(true).build());
    failure(() -> agent.stub().inspectContainer(ref("ct1")), Status.Code.NOT_FOUND, ReasonCode.CONTAINER_NOT_FOUND);
    assertThat(agent.layout().containersDir().resolve("ct1")).doesNotExist();
  }

  @Test
  void badInputIsRefusedPrecisely() {
    var e = failure(() -> agent.stub().createContainer(workload("Bad/Name", rootfs, 8).build()),
        Status.Code.INVALID_ARGUMENT, ReasonCode.INVALID_ARGUMENT);
    assertThat(errorOf(e).getMessage()).contains("invalid container id 'Bad/Name'");
    var huge = failure(() -> agent.stub().createContainer(workload("x".repeat(10_000), rootfs, 8).build()),
        Status.Code.INVALID_ARGUMENT, ReasonCode.INVALID_ARGUMENT);
    assertThat(errorOf(huge).getMessage()).contains("10000 chars").hasSizeLessThan(300);
    var relative = failure(() -> agent.stub().createContainer(workload("ct2", Path.of("relative/rootfs"), 8).build()),
        Status.Code.INVALID_ARGUMENT, ReasonCode.INVALID_ARGUMENT);
    assertThat(errorOf(relative).getMessage()).contains("must be an absolute path");
    var dotdot = failure(() -> agent.stub().createContainer(workload("ct2", Path.of(rootfs + "/../rootfs-src"), 8).build()),
        Status.Code.INVALID_ARGUMENT, ReasonCode.INVALID_ARGUMENT);
    assertThat(errorOf(dotdot).getMessage()).contains("'..'");
    failure(() -> agent.stub().createContainer(CreateContainerRequest.newBuilder().setContainerId("ct3").setRootfsPath(rootfs.toString()).build()),
        Status.Code.INVALID_ARGUMENT, ReasonCode.INVALID_ARGUMENT);
    failure(() -> agent.stub().startContainer(ref("nope")), Status.Code.NOT_FOUND, ReasonCode.CONTAINER_NOT_FOUND);

    agent.stub().createContainer(workload("dup", rootfs, 8).setStart(false).build());
    failure(() -> agent.stub().createContainer(workload("dup", rootfs, 8).build()), Status.Code.ALREADY_EXISTS, ReasonCode.CONTAINER_EXISTS);
  }

  @Test
  void runsARealApplicationFromAnOciBundle() throws Exception {
    // A user's bundle: busybox httpd serving a file, its command and environment from config.json.
    Path bundle = dir.resolve("bundle");
    Files.createDirectories(bundle);
    agent.steps(); // the agent is up
    Path appRoot = dev.ferry.testkit.TestRootfs.build(bundle.resolve("rootfs"));
    Files.createDirectories(appRoot.resolve("www"));
    Files.writeString(appRoot.resolve("www/index.html"), "hello from ferry\n");
    Files.writeString(bundle.resolve("config.json"), """
        {"ociVersion":"1.0.2","root":{"path":"rootfs"},
         "process":{"args":["/bin/httpd","-f","-p","8080","-h","/www"],"env":["GREETING=hi"],"cwd":"/www"}}
        """);
    ContainerInfo info = agent.stub().createContainer(CreateContainerRequest.newBuilder()
        .setContainerId("web").setBundlePath(bundle.toString()).setStart(true).build());
    assertThat(info.getState()).isEqualTo(ContainerState.CONTAINER_STATE_RUNNING);
    await().atMost(Timing.seconds(10)).until(() -> Files.readString(Path.of("/proc", Integer.toString(info.getPid()), "cmdline")).startsWith("/bin/httpd"));
    String environ = Files.readString(Path.of("/proc", Integer.toString(info.getPid()), "environ"));
    assertThat(environ).contains("GREETING=hi");
    assertThat(Files.readSymbolicLink(Path.of("/proc", Integer.toString(info.getPid()), "cwd")).toString()).endsWith("www");
  }

  @Test
  void restartedAgentFindsItsContainersRunning() {
    ContainerInfo before = startWorkload(agent, "survivor", rootfs, 16);
    long beats = HeartbeatLog.read(agent.heartbeats("survivor")).size();
    agent.restart();
    ContainerInfo after = agent.stub().listContainers(ListContainersRequest.getDefaultInstance()).getContainers(0);
    assertThat(after.getContainerId()).isEqualTo("survivor");
    assertThat(after.getState()).isEqualTo(ContainerState.CONTAINER_STATE_RUNNING);
    assertThat(after.getPid()).isEqualTo(before.getPid());
    await().atMost(Timing.seconds(10)).until(() -> HeartbeatLog.read(agent.heartbeats("survivor")).size() > beats + 50);
    assertThat(HeartbeatLog.read(agent.heartbeats("survivor")).sequenceBreak()).isEmpty();
  }

  private static ContainerRef ref(String id) {
    return ContainerRef.newBuilder().setContainerId(id).build();
  }

}

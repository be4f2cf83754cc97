package dev.ferry.agent.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.Duration;
import dev.ferry.proto.v1.ContainerInfo;
import dev.ferry.proto.v1.CreateContainerRequest;
import dev.ferry.proto.v1.Epoch;
import dev.ferry.proto.v1.FerryError;
import dev.ferry.proto.v1.MigrationContext;
import dev.ferry.proto.v1.ReasonCode;
import dev.ferry.proto.v1.TimeOffsets;
import dev.ferry.testkit.AgentHarness;
import dev.ferry.testkit.HeartbeatLog;
import dev.ferry.testkit.TestRootfs;
import dev.ferry.testkit.Timing;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.assertj.core.api.ThrowableAssert;

/** Shared steps of the agent tests: a workload container, its heartbeats, and error assertions. */
final class AgentFixtures {
  static final long MONO_OFFSET_S = 864_000;
  static final long BOOT_OFFSET_S = 1_728_000;

  private AgentFixtures() {}

  static Path rootfs(Path dir) {
    return TestRootfs.build(dir.resolve("rootfs-src"));
  }

  static CreateContainerRequest.Builder workload(String id, Path rootfs, int memMiB) {
    return CreateContainerRequest.newBuilder()
        .setContainerId(id)
        .setRootfsPath(rootfs.toString())
        .addAllArgs(TestRootfs.workloadArgs(memMiB, 2, 5))
        .setTimeOffsets(TimeOffsets.newBuilder().setMonotonic(Duration.newBuilder().setSeconds(MONO_OFFSET_S))
            .setBoottime(Duration.newBuilder().setSeconds(BOOT_OFFSET_S)))
        .setStart(true);
  }

  static ContainerInfo startWorkload(AgentHarness agent, String id, Path rootfs, int memMiB) {
    ContainerInfo info = agent.stub().createContainer(workload(id, rootfs, memMiB).build());
    awaitVerifiedPasses(agent, id, 1);
    return info;
  }

  /** Waits until the workload has verified its whole memory {@code passes} times in total. */
  static HeartbeatLog awaitVerifiedPasses(AgentHarness agent, String id, long passes) {
    Path hb = agent.heartbeats(id);
    await().atMost(Timing.seconds(60)).pollInterval(java.time.Duration.ofMillis(100))
        .until(() -> Files.exists(hb) && HeartbeatLog.read(hb).size() > 1 && HeartbeatLog.read(hb).last().verifiedPasses() >= passes);
    return HeartbeatLog.read(hb);
  }

  static MigrationContext migration(String id, long epoch) {
    return MigrationContext.newBuilder().setMigrationId(id).setEpoch(Epoch.newBuilder().setValue(epoch)).build();
  }

  static StatusRuntimeException failure(ThrowableAssert.ThrowingCallable call, Status.Code code, ReasonCode reason) {
    StatusRuntimeException e = (StatusRuntimeException) org.assertj.core.api.Assertions.catchThrowable(call);
    assertThat(e).as("expected %s / %s", code, reason).isNotNull();
    assertThat(e.getStatus().getCode()).as(e.getStatus().toString()).isEqualTo(code);
    FerryError error = GrpcErrors.ferryError(e).orElseThrow();
    assertThat(error.getReason()).isEqualTo(reason);
    assertThat(error.getMessage()).isNotBlank();
    return e;
  }

  static FerryError errorOf(StatusRuntimeException e) {
    return GrpcErrors.ferryError(e).orElseThrow();
  }
}

package dev.ferry.agent.clock;

import static org.awaitility.Awaitility.await;

import com.google.protobuf.Duration;
import dev.ferry.proto.v1.ContainerInfo;
import dev.ferry.proto.v1.CreateContainerRequest;
import dev.ferry.proto.v1.DumpRequest;
import dev.ferry.proto.v1.DumpResult;
import dev.ferry.proto.v1.Epoch;
import dev.ferry.proto.v1.MigrationContext;
import dev.ferry.proto.v1.PrepareRestoreRequest;
import dev.ferry.proto.v1.PrepareRestoreResponse;
import dev.ferry.proto.v1.RestoreRequest;
import dev.ferry.proto.v1.RestoreResult;
import dev.ferry.proto.v1.TimeOffsets;
import dev.ferry.testkit.AgentHarness;
import dev.ferry.testkit.HeartbeatLog;
import dev.ferry.testkit.TestRootfs;
import dev.ferry.testkit.Timing;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.BiFunction;

/**
 * A whole stop-and-copy migration between two real agents through their gRPC API: a workload
 * with its own time namespace (+10 d / +20 d) and a heartbeat every millisecond, dump on the
 * source, SendImages, a wait, Restore on the target.
 */
final class ClockMigration {
  static final int MEMORY_MIB = 64;
  private static final int INTERVAL_MS = 1;

  private final AgentHarness source;
  private final AgentHarness target;
  private final Path rootfs;

  ClockMigration(AgentHarness source, AgentHarness target, Path rootfs) {
    this.source = source;
    this.target = target;
    this.rootfs = rootfs;
  }

  ContainerInfo start(String id) {
    ContainerInfo info = source.stub().createContainer(CreateContainerRequest.newBuilder()
        .setContainerId(id).setRootfsPath(rootfs.toString()).addAllArgs(TestRootfs.workloadArgs(MEMORY_MIB, 4, INTERVAL_MS))
        .setTimeOffsets(TimeOffsets.newBuilder().setMonotonic(Duration.newBuilder().setSeconds(864_000))
            .setBoottime(Duration.newBuilder().setSeconds(1_728_000)))
        .setStart(true).build());
    Path hb = source.heartbeats(id);
    await().atMost(Timing.seconds(60)).pollInterval(java.time.Duration.ofMillis(100))
        .until(() -> Files.exists(hb) && HeartbeatLog.read(hb).size() > 50 && HeartbeatLog.read(hb).last().verifiedPasses() >= 1);
    return info;
  }

  /** What one migration returned. */
  record Outcome(DumpResult dump, RestoreResult restore) {}

  /**
   * @param wait        how long the container stays frozen at least (from the dump's return to the restore call)
   * @param request       completes the restore request, given the dump's result
   * @param beforeRestore may change the target's files before the restore (fault injection)
   */
  Outcome migrate(String id, String migrationId, java.time.Duration wait, BiFunction<RestoreRequest.Builder, DumpResult, RestoreRequest.Builder> request,
      Runnable beforeRestore) throws InterruptedException {
    MigrationContext m = MigrationContext.newBuilder().setMigrationId(migrationId).setEpoch(Epoch.newBuilder().setValue(1)).build();
    DumpResult dump = source.stub().dump(DumpRequest.newBuilder().setMigration(m).setContainerId(id).build());
    long dumped = System.nanoTime();
    PrepareRestoreResponse prepared = target.stub().prepareRestore(PrepareRestoreRequest.newBuilder().setMigration(m)
        .setContainerId(id).setSourceNode(source.node()).setExpectedBytes(dump.getImageBytes()).build());
    source.sendTo(target, migrationId, id, dump.getImageId(), prepared.getTransferToken());
    beforeRestore.run();
    long left = wait.toNanos() - (System.nanoTime() - dumped);
    if (left > 0) {
      Thread.sleep(java.time.Duration.ofNanos(left));
    }
    RestoreResult restored = target.stub().restore(request.apply(RestoreRequest.newBuilder().setMigration(m)
        .setContainerId(id).setImageId(prepared.getImageId()), dump).build());
    return new Outcome(dump, restored);
  }

  /** The target's heartbeats once the restored workload wrote a few hundred more. */
  HeartbeatLog heartbeatsAfterRestore(String id) {
    Path hb = target.heartbeats(id);
    long before = HeartbeatLog.read(hb).size();
    await().atMost(Timing.seconds(30)).pollInterval(java.time.Duration.ofMillis(50))
        .until(() -> HeartbeatLog.read(hb).size() > before + 200);
    return HeartbeatLog.read(hb);
  }
}

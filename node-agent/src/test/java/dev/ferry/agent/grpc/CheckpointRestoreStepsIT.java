package dev.ferry.agent.grpc;

import static dev.ferry.agent.grpc.AgentFixtures.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ferry.agent.runtime.ContainerId;
import dev.ferry.proto.v1.*;
import dev.ferry.testkit.AgentHarness;
import dev.ferry.testkit.HeartbeatLog;
import dev.ferry.testkit.Timing;
import io.grpc.Status;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Every checkpoint/restore RPC, success and main failure, between two real agents on this machine. */
class CheckpointRestoreStepsIT {
  private static final Logger log = LoggerFactory.getLogger(CheckpointRestoreStepsIT.class);

  @TempDir
  Path dir;
  AgentHarness a;
  AgentHarness b;
  Path rootfs;

  @BeforeEach
  void start() {
    a = new AgentHarness("ckpt-a", dir.resolve("a"));
    b = new AgentHarness("ckpt-b", dir.resolve("b"));
    rootfs = rootfs(dir);
  }

  @AfterEach
  void stop() {
    a.close();
    b.close();
  }

  @ParameterizedTest(name = "{0} MiB")
  @ValueSource(ints = {64, 512})
  void stopAndCopyMovesTheWorkloadIntact(int mib) {
    startWorkload(a, "ct", rootfs, mib);
    DumpResult dump = a.stub().dump(DumpRequest.newBuilder().setMigration(migration("m1", 1)).setContainerId("ct").build());
    assertThat(dump.getStateAfter()).isEqualTo(ContainerState.CONTAINER_STATE_CHECKPOINTED);
    assertThat(dump.getImageBytes()).isGreaterThan((long) mib << 20);
    assertThat(dump.getPagesWritten()).isGreaterThanOrEqualTo(((long) mib << 20) / 4096);
    assertThat(inspect(a, "ct").getState()).as("at most one copy runs").isEqualTo(ContainerState.CONTAINER_STATE_CHECKPOINTED);

    PrepareRestoreResponse prepared = b.stub().prepareRestore(PrepareRestoreRequest.newBuilder().setMigration(migration("m1", 1))
        .setContainerId("ct").setSourceNode("ckpt-a").setExpectedBytes(dump.getImageBytes()).build());
    assertThat(prepared.getTransferToken()).hasSizeGreaterThan(20);
    TransferProgress sent = a.sendTo(b, "m1", "ct", dump.getImageId(), prepared.getTransferToken());
    assertThat(sent.getDone()).isTrue();
    assertThat(sent.getBytesRaw()).isGreaterThan((long) mib << 20);
    assertThat(sent.getCompression()).isNotBlank();
    RestoreResult restored = b.stub().restore(RestoreRequest.newBuilder().setMigration(migration("m1", 1))
        .setContainerId("ct").setImageId(prepared.getImageId()).build());
    assertThat(restored.getContainer().getState()).isEqualTo(ContainerState.CONTAINER_STATE_RUNNING);
    assertThat(restored.getContainer().getTimeOffsets().getMonotonic().getSeconds()).as("offsets set by CRIU on restore")
        .isNotZero();
    log.info("{} MiB workload: dump {} ms ({} MiB of images), sent {} MiB raw as {} MiB on the wire ({}: {}), restore {} ms", mib,
        dump.getDuration().getSeconds() * 1000 + dump.getDuration().getNanos() / 1_000_000, dump.getImageBytes() >> 20,
        sent.getBytesRaw() >> 20, sent.getBytesOnWire() >> 20, sent.getCompression(), sent.getCompressionReason(),
        restored.getDuration().getSeconds() * 1000 + restored.getDuration().getNanos() / 1_000_000);

    long passes = HeartbeatLog.read(b.heartbeats("ct")).last().verifiedPasses();
    HeartbeatLog hb = awaitVerifiedPasses(b, "ct", passes + 1);
    assertThat(hb.sequenceBreak()).isEmpty();
    assertThat(hb.memoryErrors()).isZero();
    assertThat(hb.clockWentBackwards()).isEmpty();

    a.stub().finalize(FinalizeRequest.newBuilder().setMigration(migration("m1", 1)).setContainerId("ct").build());
    failure(() -> inspect(a, "ct"), Status.Code.NOT_FOUND, ReasonCode.CONTAINER_NOT_FOUND);
    a.stub().finalize(FinalizeRequest.newBuilder().setMigration(migration("m1", 1)).setContainerId("ct").build()); // idempotent
  }

  @Test
  void trialDumpKeepsTheContainerRunning() {
    startWorkload(a, "ct", rootfs, 16);
    DumpResult trial = a.stub().dump(DumpRequest.newBuilder().setMigration(migration("trial", 0)).setContainerId("ct")
        .setLeaveRunning(true).build());
    assertThat(trial.getStateAfter()).isEqualTo(ContainerState.CONTAINER_STATE_RUNNING);
    assertThat(trial.getImageBytes()).isPositive();
    long beats = HeartbeatLog.read(a.heartbeats("ct")).size();
    await().atMost(Timing.seconds(10)).until(() -> HeartbeatLog.read(a.heartbeats("ct")).size() > beats + 20);
    assertThat(HeartbeatLog.read(a.heartbeats("ct")).sequenceBreak()).isEmpty();
  }

  @Test
  void preDumpWithoutDirtyTrackingIsRefusedWithAReason() {
    startWorkload(a, "ct", rootfs, 16);
    boolean tracks = a.stub().getCapabilities(GetCapabilitiesRequest.getDefaultInstance()).getDirtyTracking().getAvailable();
    PreDumpRequest req = PreDumpRequest.newBuilder().setMigration(migration("m2", 1)).setContainerId("ct").setRound(1).build();
    if (tracks) { // the stock-kernel lane: a real round
      assertThat(a.stub().preDump(req).getPagesWritten()).isPositive();
      return;
    }
    var e = failure(() -> a.stub().preDump(req), Status.Code.FAILED_PRECONDITION, ReasonCode.CAPABILITY_MISSING);
    assertThat(errorOf(e).getMessage()).contains("dirty-page tracking").contains("stopcopy or postcopy");
    assertThat(errorOf(e).getPhase()).isEqualTo(Phase.PHASE_PRECOPY);
    assertThat(inspect(a, "ct").getState()).isEqualTo(ContainerState.CONTAINER_STATE_RUNNING);
    assertThat(a.layout().images(new ContainerId("ct"), "round-1")).doesNotExist();
  }

  @Test
  void resumeOnSourceRestoresFromLocalImagesAfterADump() {
    startWorkload(a, "ct", rootfs, 32);
    a.stub().dump(DumpRequest.newBuilder().setMigration(migration("m3", 1)).setContainerId("ct").build());
    ContainerInfo resumed = a.stub().resumeOnSource(ResumeOnSourceRequest.newBuilder().setMigration(migration("m3", 1))
        .setContainerId("ct").setReason("target failed").build());
    assertThat(resumed.getState()).isEqualTo(ContainerState.CONTAINER_STATE_RUNNING);
    HeartbeatLog hb = awaitVerifiedPasses(a, "ct", HeartbeatLog.read(a.heartbeats("ct")).last().verifiedPasses() + 1);
    assertThat(hb.sequenceBreak()).isEmpty();
    assertThat(hb.memoryErrors()).isZero();
    // Resuming a running container is a no-op.
    assertThat(a.stub().resumeOnSource(ResumeOnSourceRequest.newBuilder().setMigration(migration("m3", 1)).setContainerId("ct").build())
        .getPid()).isEqualTo(resumed.getPid());
  }

  @Test
  void failedDumpLeavesTheContainerRunningAndExplainsWhy() throws Exception {
    // A container whose stdout is a host file (the agent's own crun log): CRIU refuses to dump it.
    a.stub().createContainer(workload("leaky", rootfs, 16).setStart(false).build());
    Path config = a.layout().bundle(new ContainerId("leaky")).resolve("config.json");
    Files.writeString(config, Files.readString(config).replaceAll("\"/\\.ferry/sh\",\\s*\"-c\",\\s*\"[^\"]*(\\\\\"[^\"]*)*\",", ""));
    ContainerInfo started = a.stub().startContainer(ContainerRef.newBuilder().setContainerId("leaky").build());
    awaitVerifiedPasses(a, "leaky", 1);

    CheckpointabilityReport report = a.stub().checkCheckpointable(ContainerRef.newBuilder().setContainerId("leaky").build());
    assertThat(report.getCheckpointable()).isFalse();
    assertThat(report.getObstaclesList()).anySatisfy(o -> {
      assertThat(o.getKind()).isEqualTo(ObstacleKind.HOST_FILE_DESCRIPTOR);
      assertThat(o.getItem()).endsWith("crun.log");
      assertThat(o.getPid()).isEqualTo(started.getPid());
    });

    var e = failure(() -> a.stub().dump(DumpRequest.newBuilder().setMigration(migration("m4", 1)).setContainerId("leaky").build()),
        Status.Code.ABORTED, ReasonCode.CRIU_DUMP_FAILED);
    FerryError error = errorOf(e);
    assertThat(error.getPhase()).isEqualTo(Phase.PHASE_FREEZE_AND_DUMP);
    assertThat(error.getMessage()).startsWith("CRIU dump of container leaky failed: ");
    assertThat(error.getCriuLogTail()).contains("Error");
    assertThat(error.getNode()).isEqualTo("ckpt-a");
    log.info("failed dump explained as: {}", error.getMessage());

    // Should checkpoint fail, the container continues without noticing.
    assertThat(inspect(a, "leaky").getState()).isEqualTo(ContainerState.CONTAINER_STATE_RUNNING);
    long beats = HeartbeatLog.read(a.heartbeats("leaky")).size();
    await().atMost(Timing.seconds(10)).until(() -> HeartbeatLog.read(a.heartbeats("leaky")).size() > beats + 20);
    assertThat(HeartbeatLog.read(a.heartbeats("leaky")).sequenceBreak()).isEmpty();

    // A clean container has no obstacles.
    startWorkload(a, "clean", rootfs, 8);
    assertThat(a.stub().checkCheckpointable(ContainerRef.newBuilder().setContainerId("clean").build()).getCheckpointable()).isTrue();
  }

  @Test
  void lazyMigrationPullsPagesAfterResume() {
    assumeLazyPages();
    startWorkload(a, "lazy", rootfs, 64);
    LazyDumpResult dumped = a.stub().lazyDump(LazyDumpRequest.newBuilder().setMigration(migration("m5", 1)).setContainerId("lazy").build());
    int port = dumped.getPageServerPort();
    assertThat(dumped.getPageServerAddress()).isEqualTo("127.0.0.1");
    assertThat(dumped.getDump().getImageBytes()).as("memory stays behind in the page server").isLessThan(16L << 20);
    PrepareRestoreResponse slot = b.stub().prepareRestore(PrepareRestoreRequest.newBuilder().setMigration(migration("m5", 1))
        .setContainerId("lazy").setSourceNode("ckpt-a").build());
    a.sendTo(b, "m5", "lazy", dumped.getDump().getImageId(), slot.getTransferToken());
    // The images land in the slot the target announced, whatever the source calls them.
    RestoreResult restored = b.stub().restore(RestoreRequest.newBuilder().setMigration(migration("m5", 1)).setContainerId("lazy")
        .setImageId(slot.getImageId()).setLazy(true).setPageServerAddress("127.0.0.1").setPageServerPort(port).build());
    assertThat(restored.getContainer().getState()).isEqualTo(ContainerState.CONTAINER_STATE_RUNNING);
    long passes = HeartbeatLog.read(b.heartbeats("lazy")).last().verifiedPasses();
    HeartbeatLog hb = awaitVerifiedPasses(b, "lazy", passes + 1);
    assertThat(hb.sequenceBreak()).isEmpty();
    assertThat(hb.memoryErrors()).as("every page arrived intact").isZero();
    a.stub().finalize(FinalizeRequest.newBuilder().setMigration(migration("m5", 1)).setContainerId("lazy").build());
    failure(() -> inspect(a, "lazy"), Status.Code.NOT_FOUND, ReasonCode.CONTAINER_NOT_FOUND);
    log.info("lazy migration of 64 MiB: restore {} ms, images without memory {} KiB",
        restored.getDuration().getNanos() / 1_000_000 + restored.getDuration().getSeconds() * 1000, dumped.getDump().getImageBytes() >> 10);
  }

  @Test
  void rollingBackALazyDumpBeforeTheTargetPulledLetsTheSourceContinue() {
    assumeLazyPages();
    startWorkload(a, "lz", rootfs, 32);
    a.stub().lazyDump(LazyDumpRequest.newBuilder().setMigration(migration("m8", 1)).setContainerId("lz").build());
    long frozenAt = HeartbeatLog.read(a.heartbeats("lz")).size();
    ContainerInfo resumed = a.stub().resumeOnSource(ResumeOnSourceRequest.newBuilder().setMigration(migration("m8", 1))
        .setContainerId("lz").setImageId("lazy").setReason("target unreachable").build());
    assertThat(resumed.getState()).isEqualTo(ContainerState.CONTAINER_STATE_RUNNING);
    HeartbeatLog hb = awaitVerifiedPasses(a, "lz", HeartbeatLog.read(a.heartbeats("lz")).last().verifiedPasses() + 1);
    assertThat(hb.size()).isGreaterThan((int) frozenAt);
    assertThat(hb.sequenceBreak()).isEmpty();
    assertThat(hb.memoryErrors()).isZero();
  }

  @Test
  void rootfsTravelsOnceWhileRunningAndOnlyItsDeltaAfterFreeze() throws java.io.IOException {
    startWorkload(a, "ct", rootfs, 16);
    ContainerId ct = new ContainerId("ct");
    Path source = a.layout().rootfs(ct);
    Files.writeString(source.resolve("etc/stays"), "unchanged");
    Files.writeString(source.resolve("etc/changes"), "before");
    Files.writeString(source.resolve("etc/goes"), "deleted after the first pass");
    PrepareRestoreResponse prepared = b.stub().prepareRestore(PrepareRestoreRequest.newBuilder().setMigration(migration("m8", 1))
        .setContainerId("ct").setSourceNode("ckpt-a").build());

    TransferProgress first = a.sendRootfsTo(b, "m8", "ct", prepared.getTransferToken());
    assertThat(first.getDone()).isTrue();
    assertThat(inspect(a, "ct").getState()).as("the first pass leaves the container running")
        .isEqualTo(ContainerState.CONTAINER_STATE_RUNNING);
    assertThat(b.layout().rootfsFirstPass(ct).resolve("etc/goes")).hasContent("deleted after the first pass");
    assertThat(b.layout().rootfs(ct)).as("the final tree exists only after freeze").doesNotExist();

    Files.writeString(source.resolve("etc/changes"), "after, and longer");
    Files.delete(source.resolve("etc/goes"));
    Files.writeString(source.resolve("etc/new"), "new");
    DumpResult dump = a.stub().dump(DumpRequest.newBuilder().setMigration(migration("m8", 1)).setContainerId("ct").build());
    TransferProgress last = a.sendTo(b, "m8", "ct", dump.getImageId(), prepared.getTransferToken());
    long rootfsAfterFreeze = last.getBytesRaw() - dump.getImageBytes();
    log.info("rootfs first pass {} bytes while running; after freeze {} bytes of rootfs delta with {} bytes of images",
        first.getBytesRaw(), rootfsAfterFreeze, dump.getImageBytes());
    // busybox and the two binaries (3.6 MB) went with the first pass; the delta is the heartbeat log and three small files
    assertThat(rootfsAfterFreeze).as("root filesystem bytes sent after freeze, vs the first pass").isLessThan(first.getBytesRaw() / 4);

    RestoreResult restored = b.stub().restore(RestoreRequest.newBuilder().setMigration(migration("m8", 1))
        .setContainerId("ct").setImageId(prepared.getImageId()).build());
    assertThat(restored.getContainer().getState()).isEqualTo(ContainerState.CONTAINER_STATE_RUNNING);
    Path target = b.layout().rootfs(ct);
    assertThat(target.resolve("etc/stays")).hasContent("unchanged");
    assertThat(target.resolve("etc/changes")).hasContent("after, and longer");
    assertThat(target.resolve("etc/new")).hasContent("new");
    assertThat(target.resolve("etc/goes")).doesNotExist();
    assertThat(target.resolve("bin/busybox")).hasSameBinaryContentAs(source.resolve("bin/busybox"));
    assertThat(b.layout().rootfsFirstPass(ct)).as("the first pass is dropped once the container runs from the final tree")
        .doesNotExist();
    long passes = HeartbeatLog.read(b.heartbeats("ct")).last().verifiedPasses();
    HeartbeatLog hb = awaitVerifiedPasses(b, "ct", passes + 1);
    assertThat(hb.sequenceBreak()).isEmpty();
    assertThat(hb.memoryErrors()).isZero();
    a.stub().finalize(FinalizeRequest.newBuilder().setMigration(migration("m8", 1)).setContainerId("ct").build());
  }

  @Test
  void abortRestoreRemovesEverythingTheMigrationWrote() {
    startWorkload(a, "ct", rootfs, 16);
    DumpResult dump = a.stub().dump(DumpRequest.newBuilder().setMigration(migration("m6", 1)).setContainerId("ct").build());
    String token = b.stub().prepareRestore(PrepareRestoreRequest.newBuilder().setMigration(migration("m6", 1)).setContainerId("ct")
        .setSourceNode("ckpt-a").build()).getTransferToken();
    // A stream with the wrong token is refused and writes nothing.
    failure(() -> a.sendTo(b, "m6", "ct", dump.getImageId(), "forged-token"), Status.Code.PERMISSION_DENIED, ReasonCode.PERMISSION_DENIED);
    assertThat(b.layout().rootfs(new ContainerId("ct"))).doesNotExist();
    a.sendTo(b, "m6", "ct", dump.getImageId(), token);
    b.stub().restore(RestoreRequest.newBuilder().setMigration(migration("m6", 1)).setContainerId("ct").setImageId("final").build());
    b.stub().abortRestore(AbortRestoreRequest.newBuilder().setMigration(migration("m6", 1)).setContainerId("ct").build());
    assertThat(b.layout().containerDir(new ContainerId("ct"))).doesNotExist();
    failure(() -> inspect(b, "ct"), Status.Code.NOT_FOUND, ReasonCode.CONTAINER_NOT_FOUND);
    // Restoring images that never arrived is refused with a reason.
    failure(() -> b.stub().restore(RestoreRequest.newBuilder().setMigration(migration("m6", 1)).setContainerId("ct").setImageId("final").build()),
        Status.Code.FAILED_PRECONDITION, ReasonCode.CONTAINER_WRONG_STATE);
    // The source still has its images and comes back.
    assertThat(a.stub().resumeOnSource(ResumeOnSourceRequest.newBuilder().setMigration(migration("m6", 1)).setContainerId("ct").build())
        .getState()).isEqualTo(ContainerState.CONTAINER_STATE_RUNNING);
  }

  @Test
  void staleEpochIsRefused() {
    startWorkload(a, "ct", rootfs, 8);
    a.stub().dump(DumpRequest.newBuilder().setMigration(migration("m7", 5)).setContainerId("ct").setLeaveRunning(true).build());
    var e = failure(() -> a.stub().dump(DumpRequest.newBuilder().setMigration(migration("m7", 3)).setContainerId("ct").build()),
        Status.Code.FAILED_PRECONDITION, ReasonCode.STALE_EPOCH);
    assertThat(errorOf(e).getMessage()).contains("epoch 3").contains("epoch 5");
    assertThat(inspect(a, "ct").getState()).isEqualTo(ContainerState.CONTAINER_STATE_RUNNING);
  }

  private void assumeLazyPages() {
    var lazy = a.stub().getCapabilities(GetCapabilitiesRequest.getDefaultInstance()).getLazyPages();
    // On a host without lazy pages, the refusal itself is what we prove.
    if (!lazy.getAvailable()) {
      startWorkload(a, "nolazy", rootfs, 8);
      failure(() -> a.stub().lazyDump(LazyDumpRequest.newBuilder().setContainerId("nolazy").setPageServerPort(27_998).build()),
          Status.Code.FAILED_PRECONDITION, ReasonCode.CAPABILITY_MISSING);
    }
    org.junit.jupiter.api.Assumptions.assumeTrue(lazy.getAvailable(), lazy.getReason());
  }

  private static ContainerInfo inspect(AgentHarness agent, String id) {
    return agent.stub().inspectContainer(ContainerRef.newBuilder().setContainerId(id).build());
  }
}

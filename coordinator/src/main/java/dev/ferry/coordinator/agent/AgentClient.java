package dev.ferry.coordinator.agent;

import dev.ferry.coordinator.fsm.ClockPolicy;
import dev.ferry.coordinator.fsm.NodeCapabilities;
import dev.ferry.timesync.ClockOffset;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.LongConsumer;

/**
 * What the coordinator asks of one node's agent, in domain terms (the gRPC implementation maps
 * each call to one NodeAgent RPC). Every failure is an {@link AgentException} carrying a Failure.
 */
public interface AgentClient {

  /** GetCapabilities. */
  NodeCapabilities capabilities();

  /** CheckCheckpointable. */
  Checkpointability checkCheckpointable(String containerId);

  /** InspectContainer. */
  ContainerView inspect(String containerId);

  /** Clock.Probe, best of a few: this node's clocks relative to the coordinator's (preflight's skew check). */
  ClockOffset clockOffset();

  /** PrepareRestore on the target: bundle and directories, a one-time transfer token. */
  TargetSlot prepareRestore(MigrationRef ref, String containerId, String sourceNode, long expectedBytes);

  /** PreDump round {@code round}; the container keeps running. */
  /** @param cpuThrottlePercent auto-converge's cap on the container's CPU before the round; 0: none */
  DumpInfo preDump(MigrationRef ref, String containerId, int round, int cpuThrottlePercent);

  /** Dump (freeze and final dump), on top of pre-dump {@code parentRound} when above 0. */
  DumpInfo dump(MigrationRef ref, String containerId, int parentRound, boolean tcpEstablished);

  /** LazyDump: all but memory, then a page server for the target's lazy-pages daemon. */
  DumpInfo lazyDump(MigrationRef ref, String containerId, boolean tcpEstablished);

  /** SendImages from this (source) agent to the target's Transfer service; progress in bytes. */
  TransferInfo sendImages(MigrationRef ref, String containerId, String imageId, String targetAddress,
      String transferToken, ImageKind kind, LongConsumer bytesDone);

  /**
   * SendRootfs: the first pass of the container's root filesystem to the target, while the container
   * runs; empty from an agent that predates it (its final images then carry the whole tree).
   */
  java.util.Optional<TransferInfo> sendRootfs(MigrationRef ref, String containerId, String targetAddress, String transferToken);

  /** Restore on the target. */
  RestoreInfo restore(MigrationRef ref, String containerId, String imageId, boolean tcpEstablished,
      ClockPolicy clockPolicy, Instant frozenAt, String pageServer);

  /** ResumeOnSource: thaw, or restore from the source's own images; a running container is left alone. */
  void resumeOnSource(MigrationRef ref, String containerId, String imageId, String reason);

  /** Finalize on the source: destroy the source copy and its images. */
  void finalizeSource(MigrationRef ref, String containerId);

  /** AbortRestore on the target: discard whatever the migration created there. */
  void abortRestore(MigrationRef ref, String containerId);

  /** Identifies the migration and the leader's epoch (agents refuse older epochs). */
  record MigrationRef(String migrationId, long epoch) {}

  record Checkpointability(boolean checkpointable, List<String> obstacles) {}

  /** @param address the container's address for life; "" when it has none */
  record ContainerView(String containerId, String state, long rssBytes, String address) {
    public ContainerView(String containerId, String state, long rssBytes) {
      this(containerId, state, rssBytes, "");
    }

    public boolean running() {
      return "RUNNING".equals(state);
    }
  }

  record TargetSlot(String imageId, String transferToken) {}

  /** @param pageServer host:port of the page server for post-copy, else empty */
  record DumpInfo(String imageId, int round, long bytes, long pages, Duration duration, Instant frozenAt,
      String pageServer) {}

  record TransferInfo(long bytesRaw, long bytesOnWire, Duration duration) {
    public double bytesPerSecond() {
      double s = duration.toNanos() / 1e9;
      return s <= 0 ? 0 : bytesRaw / s;
    }
  }

  record RestoreInfo(Duration duration, Instant resumedAt, dev.ferry.coordinator.fsm.ClockJumps clockJumps) {
    public RestoreInfo(Duration duration, Instant resumedAt) {
      this(duration, resumedAt, null);
    }
  }

  enum ImageKind { IMAGES, PRECOPY_ROUND }
}

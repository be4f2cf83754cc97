package dev.ferry.agent.grpc;

import com.google.protobuf.ByteString;
import com.google.protobuf.Timestamp;
import dev.ferry.agent.capability.Feature;
import dev.ferry.agent.capability.NodeCapabilities;
import dev.ferry.agent.checkpoint.DumpResult;
import dev.ferry.agent.clock.ClockJumps;
import dev.ferry.timesync.ClockPolicy;
import dev.ferry.agent.checkpoint.MigrationContext;
import dev.ferry.agent.checkpoint.Obstacle;
import dev.ferry.agent.checkpoint.RestoreResult;
import dev.ferry.agent.container.ContainerRecord;
import dev.ferry.agent.container.ContainerView;
import dev.ferry.agent.container.CreateRequest;
import dev.ferry.agent.runtime.ContainerId;
import dev.ferry.agent.runtime.TimeOffsets;
import dev.ferry.proto.v1.Capabilities;
import dev.ferry.proto.v1.CheckpointabilityReport;
import dev.ferry.proto.v1.ContainerClocks;
import dev.ferry.proto.v1.ContainerInfo;
import dev.ferry.proto.v1.ContainerState;
import dev.ferry.proto.v1.CreateContainerRequest;
import dev.ferry.proto.v1.ObstacleKind;
import dev.ferry.proto.v1.ResourceLimits;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/** The one place where agent domain values and ferry.v1 messages meet. */
public final class AgentMapper {
  private final String node;

  public AgentMapper(String node) {
    this.node = node;
  }

  public static ContainerId containerId(String value) {
    return new ContainerId(value);
  }

  public static MigrationContext context(dev.ferry.proto.v1.MigrationContext m) {
    return new MigrationContext(m.getMigrationId(), m.getEpoch().getValue());
  }

  public CreateRequest createRequest(CreateContainerRequest r) {
    Path rootfs = r.getSourceCase() == CreateContainerRequest.SourceCase.ROOTFS_PATH ? Path.of(r.getRootfsPath()) : null;
    Path bundle = r.getSourceCase() == CreateContainerRequest.SourceCase.BUNDLE_PATH ? Path.of(r.getBundlePath()) : null;
    if (rootfs == null && bundle == null) {
      throw new IllegalArgumentException("give rootfs_path or bundle_path");
    }
    TimeOffsets offsets = new TimeOffsets(duration(r.getTimeOffsets().getMonotonic()), duration(r.getTimeOffsets().getBoottime()));
    return new CreateRequest(containerId(r.getContainerId()), rootfs, bundle, r.getArgsList(), r.getEnvMap(), r.getWorkingDir(),
        r.getLimits().getMemoryLimitBytes(), r.getLimits().getCpuMillicores(), offsets, r.getLabelsMap(), r.getStart());
  }

  public ContainerInfo container(ContainerView v) {
    ContainerRecord r = v.record();
    return ContainerInfo.newBuilder()
        .setContainerId(r.id())
        .setState(state(v.status()))
        .setPid(v.pid())
        .setRssBytes(v.rssBytes())
        .setTimeOffsets(offsets(v.offsets()))
        .setClocks(clocks(v.clocks()))
        .setBundlePath(v.bundle().toString())
        .setCreatedAt(timestamp(Instant.ofEpochMilli(r.createdAtMillis())))
        .setLimits(ResourceLimits.newBuilder().setMemoryLimitBytes(r.memoryLimitBytes()).setCpuMillicores(r.cpuMillicores()))
        .putAllLabels(r.labels())
        .setNode(node)
        .setAddress(r.address() == null ? "" : r.address())
        .build();
  }

  public Capabilities capabilities(NodeCapabilities c) {
    return Capabilities.newBuilder()
        .setNode(c.node()).setKernel(c.kernel()).setCriuVersion(c.criuVersion()).setCrunVersion(c.crunVersion())
        .setCheckpointRestore(feature(c.checkpointRestore())).setDirtyTracking(feature(c.dirtyTracking()))
        .setLazyPages(feature(c.lazyPages())).setTimeNamespaces(feature(c.timeNamespaces()))
        .setNetworkLock(feature(c.networkLock())).setNetworkLockMethod(c.networkLockMethod())
        .setCpuinfoImage(ByteString.copyFrom(c.cpuinfoImage())).setCpuModel(c.cpuModel()).setCpuCount(c.cpuCount())
        .setMemoryTotalBytes(c.memoryTotalBytes()).setMemoryAvailableBytes(c.memoryAvailableBytes())
        .setDiskAvailableBytes(c.diskAvailableBytes()).setProbedAt(timestamp(c.probedAt()))
        .build();
  }

  public dev.ferry.proto.v1.DumpResult dump(DumpResult d) {
    return dev.ferry.proto.v1.DumpResult.newBuilder()
        .setContainerId(d.containerId()).setImageId(d.imageId()).setRound(d.round()).setImageBytes(d.imageBytes())
        .setPagesWritten(d.pagesWritten()).setDuration(duration(d.duration())).setFrozenAt(timestamp(d.frozenAt()))
        .setClocksAtFreeze(clocks(d.clocksAtFreeze())).setStateAfter(state(d.stateAfter()))
        .build();
  }

  public dev.ferry.proto.v1.RestoreResult restore(RestoreResult r) {
    var b = dev.ferry.proto.v1.RestoreResult.newBuilder()
        .setContainer(container(r.container())).setDuration(duration(r.duration())).setResumedAt(timestamp(r.resumedAt()));
    if (r.clockJumps() != null) {
      b.setClockJumps(jumps(r.clockJumps()));
    }
    return b.build();
  }

  static dev.ferry.proto.v1.ClockJumps jumps(ClockJumps j) {
    var b = dev.ferry.proto.v1.ClockJumps.newBuilder().setPolicy(clockPolicy(j.policy()))
        .setFallbackReason(j.fallback() == null ? "" : j.fallback());
    // Unmeasured jumps stay unset rather than zero.
    if (j.monotonic() != null) {
      b.setMonotonic(duration(j.monotonic())).setBoottime(duration(j.boottime()))
          .setRealtime(duration(j.realtime())).setBlackout(duration(j.blackout()));
    }
    return b.build();
  }

  /** UNSPECIFIED means the default, {@link ClockPolicy#SUSPEND}. */
  public static ClockPolicy clockPolicy(dev.ferry.proto.v1.ClockPolicy p) {
    return switch (p) {
      case CLOCK_POLICY_UNSPECIFIED, CLOCK_POLICY_SUSPEND -> ClockPolicy.SUSPEND;
      case CLOCK_POLICY_FREEZE -> ClockPolicy.FREEZE;
      case CLOCK_POLICY_WALL -> ClockPolicy.WALL;
      case UNRECOGNIZED -> throw new IllegalArgumentException("unknown clock_policy value; use SUSPEND, FREEZE or WALL");
    };
  }

  static dev.ferry.proto.v1.ClockPolicy clockPolicy(ClockPolicy p) {
    return switch (p) {
      case SUSPEND -> dev.ferry.proto.v1.ClockPolicy.CLOCK_POLICY_SUSPEND;
      case FREEZE -> dev.ferry.proto.v1.ClockPolicy.CLOCK_POLICY_FREEZE;
      case WALL -> dev.ferry.proto.v1.ClockPolicy.CLOCK_POLICY_WALL;
    };
  }

  public static Instant instant(Timestamp t) {
    return Instant.ofEpochSecond(t.getSeconds(), t.getNanos());
  }

  public CheckpointabilityReport report(String containerId, List<Obstacle> obstacles) {
    CheckpointabilityReport.Builder b = CheckpointabilityReport.newBuilder().setContainerId(containerId).setCheckpointable(obstacles.isEmpty());
    for (Obstacle o : obstacles) {
      b.addObstacles(dev.ferry.proto.v1.Obstacle.newBuilder().setKind(ObstacleKind.valueOf(o.kind().name()))
          .setItem(o.item()).setPid(o.pid()).setDetail(o.detail()));
    }
    return b.build();
  }

  public dev.ferry.proto.v1.TransferProgress progress(dev.ferry.agent.transfer.SendImagesStep.Progress p) {
    return dev.ferry.proto.v1.TransferProgress.newBuilder().setBytesRaw(p.rawBytes()).setBytesOnWire(p.wireBytes())
        .setFilesDone(p.files()).setCompression(p.compression() == null ? "" : p.compression())
        .setCompressionReason(p.compressionReason() == null ? "" : p.compressionReason()).setDone(p.done()).build();
  }

  private static ContainerState state(ContainerView.Status s) {
    return switch (s) {
      case CREATED -> ContainerState.CONTAINER_STATE_CREATED;
      case RUNNING -> ContainerState.CONTAINER_STATE_RUNNING;
      case PAUSED -> ContainerState.CONTAINER_STATE_PAUSED;
      case STOPPED -> ContainerState.CONTAINER_STATE_STOPPED;
      case CHECKPOINTED -> ContainerState.CONTAINER_STATE_CHECKPOINTED;
      case UNKNOWN -> ContainerState.CONTAINER_STATE_UNKNOWN;
    };
  }

  private static dev.ferry.proto.v1.Feature feature(Feature f) {
    return dev.ferry.proto.v1.Feature.newBuilder().setAvailable(f.available()).setReason(f.reason()).build();
  }

  private static dev.ferry.proto.v1.TimeOffsets offsets(TimeOffsets o) {
    return dev.ferry.proto.v1.TimeOffsets.newBuilder().setMonotonic(duration(o.monotonic())).setBoottime(duration(o.boottime())).build();
  }

  private static ContainerClocks clocks(ContainerView.Clocks c) {
    return ContainerClocks.newBuilder().setMonotonic(duration(c.monotonic())).setBoottime(duration(c.boottime()))
        .setRealtime(Timestamp.newBuilder().setSeconds(c.realtimeEpochNanos() / 1_000_000_000L)
            .setNanos((int) (c.realtimeEpochNanos() % 1_000_000_000L)))
        .build();
  }

  public static com.google.protobuf.Duration duration(Duration d) {
    return com.google.protobuf.Duration.newBuilder().setSeconds(d.getSeconds()).setNanos(d.getNano()).build();
  }

  public static Duration duration(com.google.protobuf.Duration d) {
    return Duration.ofSeconds(d.getSeconds(), d.getNanos());
  }

  public static Timestamp timestamp(Instant i) {
    return Timestamp.newBuilder().setSeconds(i.getEpochSecond()).setNanos(i.getNano()).build();
  }
}

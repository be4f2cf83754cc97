package dev.ferry.coordinator.grpc;

import com.google.protobuf.Duration;
import com.google.protobuf.Timestamp;
import dev.ferry.coordinator.agent.AgentClient;
import dev.ferry.coordinator.agent.AgentException;
import dev.ferry.coordinator.fsm.Failure;
import dev.ferry.coordinator.fsm.Feature;
import dev.ferry.coordinator.fsm.NodeCapabilities;
import dev.ferry.coordinator.fsm.Reason;
import dev.ferry.proto.v1.Capabilities;
import dev.ferry.proto.v1.ClockPolicy;
import dev.ferry.proto.v1.ContainerInfo;
import dev.ferry.proto.v1.DumpResult;
import dev.ferry.proto.v1.Epoch;
import dev.ferry.proto.v1.FerryError;
import dev.ferry.proto.v1.MigrationContext;
import dev.ferry.proto.v1.ReasonCode;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import java.time.Instant;

/** The one place NodeAgent proto messages become coordinator domain values and back. */
public final class AgentMapper {
  private AgentMapper() {}

  public static NodeCapabilities capabilities(Capabilities c) {
    return new NodeCapabilities(c.getNode(), c.getCriuVersion(), c.getKernel(), feature(c.getDirtyTracking()),
        feature(c.getLazyPages()), feature(c.getTimeNamespaces()), c.getCpuCount(), c.getMemoryAvailableBytes(),
        c.getDiskAvailableBytes(), c.getContainerNetwork());
  }

  public static Capabilities capabilities(NodeCapabilities c) {
    return Capabilities.newBuilder().setNode(c.node()).setCriuVersion(c.criuVersion()).setKernel(c.kernel())
        .setDirtyTracking(feature(c.dirtyTracking())).setLazyPages(feature(c.lazyPages()))
        .setTimeNamespaces(feature(c.timeNamespaces())).setCpuCount(c.cpuCount())
        .setMemoryAvailableBytes(c.memoryAvailableBytes()).setDiskAvailableBytes(c.diskAvailableBytes())
        .setContainerNetwork(c.containerNetwork()).build();
  }

  private static Feature feature(dev.ferry.proto.v1.Feature f) {
    return new Feature(f.getAvailable(), f.getReason());
  }

  private static dev.ferry.proto.v1.Feature feature(Feature f) {
    return dev.ferry.proto.v1.Feature.newBuilder().setAvailable(f.available()).setReason(f.reason()).build();
  }

  static MigrationContext context(AgentClient.MigrationRef ref) {
    return MigrationContext.newBuilder().setMigrationId(ref.migrationId())
        .setEpoch(Epoch.newBuilder().setValue(ref.epoch())).build();
  }

  static AgentClient.ContainerView container(ContainerInfo c) {
    return new AgentClient.ContainerView(c.getContainerId(), c.getState().name().replace("CONTAINER_STATE_", ""),
        c.getRssBytes(), c.getAddress());
  }

  static AgentClient.DumpInfo dump(DumpResult d, String pageServer) {
    return new AgentClient.DumpInfo(d.getImageId(), d.getRound(), d.getImageBytes(), d.getPagesWritten(),
        duration(d.getDuration()), d.hasFrozenAt() ? instant(d.getFrozenAt()) : null, pageServer);
  }

  static dev.ferry.coordinator.fsm.ClockJumps clockJumps(dev.ferry.proto.v1.ClockJumps j) {
    var policy = j.getPolicy() == ClockPolicy.CLOCK_POLICY_UNSPECIFIED || j.getPolicy() == ClockPolicy.UNRECOGNIZED ? null
        : ApiMapper.clockPolicy(j.getPolicy());
    return new dev.ferry.coordinator.fsm.ClockJumps(duration(j.getMonotonic()), duration(j.getBoottime()),
        duration(j.getRealtime()), duration(j.getBlackout()), policy, j.getFallbackReason());
  }

  static ClockPolicy clockPolicy(dev.ferry.coordinator.fsm.ClockPolicy p) {
    return ClockPolicy.valueOf("CLOCK_POLICY_" + p.name());
  }

  public static java.time.Duration duration(Duration d) {
    return java.time.Duration.ofSeconds(d.getSeconds(), d.getNanos());
  }

  public static Duration duration(java.time.Duration d) {
    return Duration.newBuilder().setSeconds(d.getSeconds()).setNanos(d.getNano()).build();
  }

  public static Instant instant(Timestamp t) {
    return Instant.ofEpochSecond(t.getSeconds(), t.getNanos());
  }

  public static Timestamp timestamp(Instant i) {
    return Timestamp.newBuilder().setSeconds(i.getEpochSecond()).setNanos(i.getNano()).build();
  }

  /** An agent's gRPC error as a Failure: unreachable (retryable) or the agent's own FerryError. */
  static AgentException failure(String node, String operation, StatusRuntimeException e) {
    Status.Code code = e.getStatus().getCode();
    String description = e.getStatus().getDescription() == null ? code.name() : e.getStatus().getDescription();
    FerryError detail = ferryError(e);
    if (code == Status.Code.UNAVAILABLE && detail == null) { // the agent itself did not answer
      return new AgentException(new Failure.Unreachable(Reason.TARGET_UNREACHABLE, node,
          operation + " on " + node + ": agent unreachable: " + description), e);
    }
    if (code == Status.Code.UNAVAILABLE) { // it answered: something it needed (its peer, the link) did not
      return new AgentException(new Failure.Unreachable(reason(detail.getReason()), node,
          detail.getMessage().isEmpty() ? description : detail.getMessage()), e);
    }
    if (detail != null) {
      return new AgentException(new Failure.StepRejected(reason(detail.getReason()), node,
          detail.getMessage().isEmpty() ? description : detail.getMessage(), detail.getCriuLogTail()), e);
    }
    Reason reason = code == Status.Code.DEADLINE_EXCEEDED ? Reason.TIMEOUT : Reason.INTERNAL_ERROR;
    return new AgentException(new Failure.StepRejected(reason, node, operation + " on " + node + " failed: "
        + code + ": " + description, ""), e);
  }

  private static FerryError ferryError(StatusRuntimeException e) {
    com.google.rpc.Status status = StatusProto.fromThrowable(e);
    if (status == null) {
      return null;
    }
    for (var any : status.getDetailsList()) {
      if (any.is(FerryError.class)) {
        try {
          return any.unpack(FerryError.class);
        } catch (com.google.protobuf.InvalidProtocolBufferException ignored) {
          return null;
        }
      }
    }
    return null;
  }

  static Reason reason(ReasonCode code) {
    try {
      return Reason.valueOf(code.name());
    } catch (IllegalArgumentException e) {
      return Reason.INTERNAL_ERROR;
    }
  }

  public static ReasonCode reason(Reason r) {
    return ReasonCode.valueOf(r.name());
  }
}

package dev.ferry.coordinator.grpc;

import static dev.ferry.coordinator.grpc.AgentMapper.context;

import dev.ferry.coordinator.agent.AgentClient;
import dev.ferry.coordinator.fsm.ClockPolicy;
import dev.ferry.coordinator.fsm.NodeCapabilities;
import dev.ferry.proto.v1.AbortRestoreRequest;
import dev.ferry.proto.v1.ContainerRef;
import dev.ferry.proto.v1.DumpRequest;
import dev.ferry.proto.v1.FinalizeRequest;
import dev.ferry.proto.v1.GetCapabilitiesRequest;
import dev.ferry.proto.v1.LazyDumpRequest;
import dev.ferry.proto.v1.NodeAgentGrpc;
import dev.ferry.proto.v1.PreDumpRequest;
import dev.ferry.proto.v1.PrepareRestoreRequest;
import dev.ferry.proto.v1.RestoreRequest;
import dev.ferry.proto.v1.ResumeOnSourceRequest;
import dev.ferry.proto.v1.SendImagesRequest;
import dev.ferry.proto.v1.SendRootfsRequest;
import dev.ferry.proto.v1.TransferKind;
import dev.ferry.proto.v1.TransferProgress;
import dev.ferry.coordinator.agent.AgentException;
import dev.ferry.coordinator.fsm.Failure;
import dev.ferry.coordinator.fsm.Reason;
import dev.ferry.timesync.ClockOffset;
import dev.ferry.timesync.ClockProbeException;
import dev.ferry.timesync.Ticker;
import dev.ferry.timesync.grpc.ClockProber;
import io.grpc.Channel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.time.InstantSource;
import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.Optional;
import java.util.function.LongConsumer;
import java.util.function.Supplier;

/** {@link AgentClient} over the NodeAgent gRPC API: one RPC per method. */
public final class GrpcAgentClient implements AgentClient {
  private final String node;
  /** Enough exchanges for one with a short round trip; each is a few hundred µs on a LAN. */
  private static final int CLOCK_PROBES = 8;
  // Generous: the first exchange also connects, which took over a second on a loaded CI host.
  private static final Duration CLOCK_PROBE_DEADLINE = Duration.ofSeconds(10);

  private final NodeAgentGrpc.NodeAgentBlockingStub stub;
  private final ClockProber clock;

  /** @param channel to the agent, which serves NodeAgent and Clock on it */
  public GrpcAgentClient(String node, Channel channel) {
    this(node, NodeAgentGrpc.newBlockingStub(channel), new ClockProber(channel, InstantSource.system(), Ticker.SYSTEM));
  }

  public GrpcAgentClient(String node, NodeAgentGrpc.NodeAgentBlockingStub stub, ClockProber clock) {
    this.node = node;
    this.stub = stub;
    this.clock = clock;
  }

  private <T> T call(String operation, Supplier<T> rpc) {
    try {
      return rpc.get();
    } catch (StatusRuntimeException e) {
      throw AgentMapper.failure(node, operation, e);
    }
  }

  @Override
  public NodeCapabilities capabilities() {
    return AgentMapper.capabilities(call("GetCapabilities",
        () -> stub.getCapabilities(GetCapabilitiesRequest.getDefaultInstance())));
  }

  @Override
  public ClockOffset clockOffset() {
    try {
      return clock.probe(CLOCK_PROBES, CLOCK_PROBE_DEADLINE);
    } catch (ClockProbeException e) {
      if (e.getCause() instanceof StatusRuntimeException status) {
        throw AgentMapper.failure(node, "Clock.Probe", status);
      }
      throw new AgentException(new Failure.StepRejected(Reason.INTERNAL_ERROR, node,
          "Clock.Probe on " + node + ": " + e.getMessage(), ""), e);
    }
  }

  @Override
  public Checkpointability checkCheckpointable(String containerId) {
    var r = call("CheckCheckpointable", () -> stub.checkCheckpointable(ref(containerId)));
    return new Checkpointability(r.getCheckpointable(), r.getObstaclesList().stream()
        .map(o -> o.getKind() + " " + o.getItem() + (o.getDetail().isEmpty() ? "" : ": " + o.getDetail())).toList());
  }

  @Override
  public ContainerView inspect(String containerId) {
    return AgentMapper.container(call("InspectContainer", () -> stub.inspectContainer(ref(containerId))));
  }

  @Override
  public TargetSlot prepareRestore(MigrationRef ref, String containerId, String sourceNode, long expectedBytes) {
    var r = call("PrepareRestore", () -> stub.prepareRestore(PrepareRestoreRequest.newBuilder()
        .setMigration(context(ref)).setContainerId(containerId).setSourceNode(sourceNode)
        .setExpectedBytes(expectedBytes).build()));
    return new TargetSlot(r.getImageId(), r.getTransferToken());
  }

  @Override
  public DumpInfo preDump(MigrationRef ref, String containerId, int round, int cpuThrottlePercent) {
    return AgentMapper.dump(call("PreDump", () -> stub.preDump(PreDumpRequest.newBuilder().setMigration(context(ref))
        .setContainerId(containerId).setRound(round).setCpuThrottlePercent(cpuThrottlePercent).build())), "");
  }

  @Override
  public DumpInfo dump(MigrationRef ref, String containerId, int parentRound, boolean tcpEstablished) {
    return AgentMapper.dump(call("Dump", () -> stub.dump(DumpRequest.newBuilder().setMigration(context(ref))
        .setContainerId(containerId).setParentRound(parentRound).setTcpEstablished(tcpEstablished)
        .setCloseTcpConnections(!tcpEstablished).build())), ""); // not carried: dropped (MigrateRequest.drop_tcp_connections)
  }

  @Override
  public DumpInfo lazyDump(MigrationRef ref, String containerId, boolean tcpEstablished) {
    var r = call("LazyDump", () -> stub.lazyDump(LazyDumpRequest.newBuilder().setMigration(context(ref))
        .setContainerId(containerId).setTcpEstablished(tcpEstablished).setCloseTcpConnections(!tcpEstablished).build()));
    return AgentMapper.dump(r.getDump(), r.getPageServerAddress() + ":" + r.getPageServerPort());
  }

  @Override
  public TransferInfo sendImages(MigrationRef ref, String containerId, String imageId, String targetAddress,
      String transferToken, ImageKind kind, LongConsumer bytesDone) {
    return transfer("SendImages", bytesDone, () -> stub.sendImages(SendImagesRequest.newBuilder().setMigration(context(ref))
        .setContainerId(containerId).setImageId(imageId).setTargetAddress(targetAddress)
        .setTransferToken(transferToken)
        .setKind(kind == ImageKind.IMAGES ? TransferKind.TRANSFER_KIND_IMAGES : TransferKind.TRANSFER_KIND_PRECOPY_ROUND)
        .build()));
  }

  @Override
  public Optional<TransferInfo> sendRootfs(MigrationRef ref, String containerId, String targetAddress, String transferToken) {
    try {
      return Optional.of(transfer("SendRootfs", bytes -> { }, () -> stub.sendRootfs(SendRootfsRequest.newBuilder()
          .setMigration(context(ref)).setContainerId(containerId).setTargetAddress(targetAddress)
          .setTransferToken(transferToken).build())));
    } catch (AgentException e) {
      // An agent from before the two-pass root filesystem (coordinators are upgraded first).
      if (e.getCause() instanceof StatusRuntimeException s && s.getStatus().getCode() == Status.Code.UNIMPLEMENTED) {
        return Optional.empty();
      }
      throw e;
    }
  }

  /** Follows a send's progress stream to its end. */
  private TransferInfo transfer(String rpc, LongConsumer bytesDone, Supplier<Iterator<TransferProgress>> call) {
    long start = System.nanoTime();
    return call(rpc, () -> {
      Iterator<TransferProgress> stream = call.get();
      TransferProgress last = TransferProgress.getDefaultInstance();
      while (stream.hasNext()) {
        last = stream.next();
        bytesDone.accept(last.getBytesRaw());
      }
      return new TransferInfo(last.getBytesRaw(), last.getBytesOnWire(), Duration.ofNanos(System.nanoTime() - start));
    });
  }

  @Override
  public RestoreInfo restore(MigrationRef ref, String containerId, String imageId, boolean tcpEstablished,
      ClockPolicy clockPolicy, Instant frozenAt, String pageServer) {
    RestoreRequest.Builder b = RestoreRequest.newBuilder().setMigration(context(ref)).setContainerId(containerId)
        .setImageId(imageId).setTcpEstablished(tcpEstablished).setClockPolicy(AgentMapper.clockPolicy(clockPolicy));
    if (frozenAt != null) {
      b.setFrozenAt(AgentMapper.timestamp(frozenAt));
    }
    if (!pageServer.isEmpty()) {
      int colon = pageServer.lastIndexOf(':');
      b.setLazy(true).setPageServerAddress(pageServer.substring(0, colon))
          .setPageServerPort(Integer.parseInt(pageServer.substring(colon + 1)));
    }
    var r = call("Restore", () -> stub.restore(b.build()));
    return new RestoreInfo(AgentMapper.duration(r.getDuration()),
        r.hasResumedAt() ? AgentMapper.instant(r.getResumedAt()) : null,
        r.hasClockJumps() ? AgentMapper.clockJumps(r.getClockJumps()) : null);
  }

  @Override
  public void resumeOnSource(MigrationRef ref, String containerId, String imageId, String reason) {
    call("ResumeOnSource", () -> stub.resumeOnSource(ResumeOnSourceRequest.newBuilder().setMigration(context(ref))
        .setContainerId(containerId).setImageId(imageId).setReason(reason).build()));
  }

  @Override
  public void finalizeSource(MigrationRef ref, String containerId) {
    call("Finalize", () -> stub.finalize(FinalizeRequest.newBuilder().setMigration(context(ref))
        .setContainerId(containerId).build()));
  }

  @Override
  public void abortRestore(MigrationRef ref, String containerId) {
    call("AbortRestore", () -> stub.abortRestore(AbortRestoreRequest.newBuilder().setMigration(context(ref))
        .setContainerId(containerId).build()));
  }

  private static ContainerRef ref(String containerId) {
    return ContainerRef.newBuilder().setContainerId(containerId).build();
  }
}

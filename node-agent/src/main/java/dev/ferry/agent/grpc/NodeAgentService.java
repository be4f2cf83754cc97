package dev.ferry.agent.grpc;

import dev.ferry.agent.AgentSteps;
import dev.ferry.agent.transfer.SendImagesStep;
import dev.ferry.agent.checkpoint.LazyDumpStep;
import dev.ferry.agent.checkpoint.MigrationContext;
import dev.ferry.agent.checkpoint.RestoreStep;
import dev.ferry.proto.v1.*;
import dev.ferry.transfer.TransferOptions;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.function.Supplier;

/** ferry.v1.NodeAgent: validates, calls the agent's steps, maps the answer. No logic of its own. */
public final class NodeAgentService extends NodeAgentGrpc.NodeAgentImplBase {
  private static final Duration DEFAULT_GRACE = Duration.ofSeconds(10);

  private final AgentSteps steps;
  private final AgentMapper map;
  private final dev.ferry.agent.ContainerLocks locks = new dev.ferry.agent.ContainerLocks();

  public NodeAgentService(AgentSteps steps) {
    this.steps = steps;
    this.map = new AgentMapper(steps.node());
  }

  @Override
  public void getCapabilities(GetCapabilitiesRequest req, StreamObserver<Capabilities> out) {
    unary(out, Phase.PHASE_PREFLIGHT, () -> map.capabilities(steps.capabilities().get(req.getRefresh())).toBuilder()
        .setContainerNetwork(steps.containers().networking().network()).build());
  }

  @Override
  public void createContainer(CreateContainerRequest req, StreamObserver<ContainerInfo> out) {
    unary(out, Phase.PHASE_UNSPECIFIED, req.getContainerId(), () -> map.container(steps.containers().create(map.createRequest(req))));
  }

  @Override
  public void startContainer(ContainerRef req, StreamObserver<ContainerInfo> out) {
    unary(out, Phase.PHASE_UNSPECIFIED, req.getContainerId(), () -> map.container(steps.containers().start(AgentMapper.containerId(req.getContainerId()))));
  }

  @Override
  public void stopContainer(StopContainerRequest req, StreamObserver<ContainerInfo> out) {
    Duration grace = req.hasGracePeriod() ? AgentMapper.duration(req.getGracePeriod()) : DEFAULT_GRACE;
    unary(out, Phase.PHASE_UNSPECIFIED, req.getContainerId(), () -> map.container(steps.containers().stop(AgentMapper.containerId(req.getContainerId()), grace)));
  }

  @Override
  public void deleteContainer(DeleteContainerRequest req, StreamObserver<DeleteContainerResponse> out) {
    unary(out, Phase.PHASE_UNSPECIFIED, req.getContainerId(), () -> {
      var id = AgentMapper.containerId(req.getContainerId());
      steps.containers().remove(id, req.getForce());
      steps.sendImages().forgetFirstPass(id);
      return DeleteContainerResponse.getDefaultInstance();
    });
  }

  @Override
  public void listContainers(ListContainersRequest req, StreamObserver<ListContainersResponse> out) {
    unary(out, Phase.PHASE_UNSPECIFIED, () -> ListContainersResponse.newBuilder()
        .addAllContainers(steps.containers().list().stream().map(map::container).toList()).build());
  }

  @Override
  public void inspectContainer(ContainerRef req, StreamObserver<ContainerInfo> out) {
    unary(out, Phase.PHASE_UNSPECIFIED, req.getContainerId(), () -> map.container(steps.containers().inspect(AgentMapper.containerId(req.getContainerId()))));
  }

  @Override
  public void checkCheckpointable(ContainerRef req, StreamObserver<CheckpointabilityReport> out) {
    unary(out, Phase.PHASE_PREFLIGHT, req.getContainerId(), () -> map.report(req.getContainerId(),
        steps.checkpointability().check(AgentMapper.containerId(req.getContainerId()))));
  }

  @Override
  public void preDump(PreDumpRequest req, StreamObserver<DumpResult> out) {
    unary(out, Phase.PHASE_PRECOPY, req.getContainerId(), () -> map.dump(steps.preDump().preDump(admit(req.getMigration()),
        AgentMapper.containerId(req.getContainerId()), req.getRound(), req.getCpuThrottlePercent())));
  }

  @Override
  public void dump(DumpRequest req, StreamObserver<DumpResult> out) {
    unary(out, Phase.PHASE_FREEZE_AND_DUMP, req.getContainerId(), () -> map.dump(steps.dump().dump(admit(req.getMigration()),
        AgentMapper.containerId(req.getContainerId()), req.getLeaveRunning(), req.getTcpEstablished(), req.getCloseTcpConnections(), req.getParentRound())));
  }

  @Override
  public void lazyDump(LazyDumpRequest req, StreamObserver<LazyDumpResult> out) {
    unary(out, Phase.PHASE_FREEZE_AND_DUMP, req.getContainerId(), () -> {
      LazyDumpStep.Started s = steps.lazyDump().lazyDump(admit(req.getMigration()), AgentMapper.containerId(req.getContainerId()),
          req.getTcpEstablished(), req.getCloseTcpConnections(), req.getPageServerAddress(), req.getPageServerPort());
      return LazyDumpResult.newBuilder().setDump(map.dump(s.dump())).setPageServerAddress(s.address()).setPageServerPort(s.port()).build();
    });
  }

  @Override
  public void prepareRestore(PrepareRestoreRequest req, StreamObserver<PrepareRestoreResponse> out) {
    unary(out, Phase.PHASE_PREPARE_TARGET, req.getContainerId(), () -> {
      var p = steps.prepareRestore().prepare(admit(req.getMigration()), AgentMapper.containerId(req.getContainerId()),
          req.getSourceNode(), req.getExpectedBytes(), "final");
      return PrepareRestoreResponse.newBuilder().setImageId(p.imageId()).setTransferToken(p.token()).build();
    });
  }

  @Override
  public void restore(RestoreRequest req, StreamObserver<RestoreResult> out) {
    unary(out, Phase.PHASE_RESTORE, req.getContainerId(), () -> {
      RestoreStep.PageSource lazy = req.getLazy() ? new RestoreStep.PageSource(req.getPageServerAddress(), req.getPageServerPort()) : null;
      var restored = steps.restore().restore(admit(req.getMigration()), AgentMapper.containerId(req.getContainerId()),
          req.getImageId(), req.getTcpEstablished(), lazy, AgentMapper.clockPolicy(req.getClockPolicy()),
          req.hasFrozenAt() ? AgentMapper.instant(req.getFrozenAt()) : null);
      steps.admissions().close(req.getMigration().getMigrationId()); // restored: nothing more may arrive for it
      return map.restore(restored);
    });
  }

  @Override
  public void resumeOnSource(ResumeOnSourceRequest req, StreamObserver<ContainerInfo> out) {
    unary(out, Phase.PHASE_ROLLING_BACK, req.getContainerId(), () -> map.container(steps.resumeOnSource().resume(admit(req.getMigration()),
        AgentMapper.containerId(req.getContainerId()), req.getImageId(), req.getReason())));
  }

  @Override
  public void finalize(FinalizeRequest req, StreamObserver<FinalizeResponse> out) {
    unary(out, Phase.PHASE_COMMIT, req.getContainerId(), () -> {
      steps.finalizeSource().finalizeSource(admit(req.getMigration()), AgentMapper.containerId(req.getContainerId()));
      return FinalizeResponse.getDefaultInstance();
    });
  }

  @Override
  public void abortRestore(AbortRestoreRequest req, StreamObserver<AbortRestoreResponse> out) {
    unary(out, Phase.PHASE_ROLLING_BACK, req.getContainerId(), () -> {
      steps.abortRestore().abort(admit(req.getMigration()), AgentMapper.containerId(req.getContainerId()));
      return AbortRestoreResponse.getDefaultInstance();
    });
  }

  @Override
  public void sendImages(SendImagesRequest req, StreamObserver<TransferProgress> out) {
    streamTransfer(out, Phase.PHASE_TRANSFER, req.getMigration(), ctx -> {
      var contents = req.getKind() == dev.ferry.proto.v1.TransferKind.TRANSFER_KIND_PRECOPY_ROUND
          ? SendImagesStep.Contents.PRECOPY_ROUND : SendImagesStep.Contents.FINAL;
      return steps.sendImages().send(ctx, AgentMapper.containerId(req.getContainerId()), req.getImageId(), contents,
          req.getTargetAddress(), req.getTransferToken(), options(req.getBandwidthBytesPerSecond(), req.getParallelStreams()),
          p -> out.onNext(map.progress(p)));
    });
  }

  @Override
  public void sendRootfs(SendRootfsRequest req, StreamObserver<TransferProgress> out) {
    // Prepare target: the container still runs while its root filesystem's first pass travels.
    streamTransfer(out, Phase.PHASE_PREPARE_TARGET, req.getMigration(), ctx -> steps.sendImages().sendRootfs(ctx,
        AgentMapper.containerId(req.getContainerId()), req.getTargetAddress(), req.getTransferToken(),
        options(req.getBandwidthBytesPerSecond(), req.getParallelStreams()), p -> out.onNext(map.progress(p))));
  }

  /** A send to the target: its progress as it goes, then the last one, or the failure as a status. */
  private void streamTransfer(StreamObserver<TransferProgress> out, Phase phase, dev.ferry.proto.v1.MigrationContext migration,
      java.util.function.Function<MigrationContext, SendImagesStep.Progress> send) {
    try {
      out.onNext(map.progress(send.apply(admit(migration))));
      out.onCompleted();
    } catch (RuntimeException e) {
      out.onError(GrpcErrors.toStatus(e, phase, steps.node()));
    }
  }

  private static TransferOptions options(long bandwidthBytesPerSecond, int parallelStreams) {
    TransferOptions options = TransferOptions.defaults();
    if (bandwidthBytesPerSecond > 0) {
      options = options.withBandwidth(bandwidthBytesPerSecond);
    }
    return parallelStreams > 0 ? options.withParallelStreams(parallelStreams) : options;
  }

  private MigrationContext admit(dev.ferry.proto.v1.MigrationContext m) {
    MigrationContext ctx = AgentMapper.context(m);
    steps.epochs().admit(ctx);
    return ctx;
  }

  private <T> void unary(StreamObserver<T> out, Phase phase, Supplier<T> call) {
    unary(out, phase, null, call);
  }

  /** Runs a call (under its container's lock when it names one) and maps its outcome. */
  private <T> void unary(StreamObserver<T> out, Phase phase, String containerId, Supplier<T> call) {
    T result;
    try {
      result = containerId == null || containerId.isEmpty() ? call.get() : locks.with(containerId, call);
    } catch (RuntimeException e) {
      out.onError(GrpcErrors.toStatus(e, phase, steps.node()));
      return;
    }
    out.onNext(result);
    out.onCompleted();
  }
}

package dev.ferry.coordinator.grpc;

import static dev.ferry.coordinator.grpc.AgentMapper.duration;
import static dev.ferry.coordinator.grpc.AgentMapper.timestamp;

import dev.ferry.coordinator.fsm.Failure;
import dev.ferry.coordinator.fsm.Migration;
import dev.ferry.coordinator.fsm.MigrationSpec;
import dev.ferry.coordinator.fsm.PhaseChange;
import dev.ferry.coordinator.registry.ContainerEntry;
import dev.ferry.coordinator.registry.Node;
import dev.ferry.coordinator.service.DrainResult;
import dev.ferry.coordinator.service.Evacuation;
import dev.ferry.proto.v1.ClockPolicy;
import dev.ferry.proto.v1.ContainerInfo;
import dev.ferry.proto.v1.ContainerState;
import dev.ferry.proto.v1.EvacuationItem;
import dev.ferry.proto.v1.FerryError;
import dev.ferry.proto.v1.MigrateRequest;
import dev.ferry.proto.v1.MigrationStats;
import dev.ferry.proto.v1.NodeStatus;
import dev.ferry.proto.v1.Phase;
import dev.ferry.proto.v1.PhaseTransition;
import dev.ferry.proto.v1.PrecopyRound;
import dev.ferry.proto.v1.Progress;
import dev.ferry.proto.v1.Strategy;

/** The one place Coordinator API messages become domain values and back. */
public final class ApiMapper {
  private ApiMapper() {}

  public static MigrationSpec spec(MigrateRequest r) {
    return new MigrationSpec(r.getContainerId(), r.getSourceNode(), r.getTargetNode(), strategy(r.getStrategy()),
        clockPolicy(r.getClockPolicy()), r.hasDowntimeBudget() ? duration(r.getDowntimeBudget()) : null,
        r.getPriority(), r.getMaxPrecopyRounds(), r.getDropTcpConnections(), r.getRequestId(),
        nonConvergence(r.getOnNonConvergence()));
  }

  public static dev.ferry.coordinator.fsm.NonConvergence nonConvergence(dev.ferry.proto.v1.NonConvergence n) {
    return switch (n) {
      case NON_CONVERGENCE_THROTTLE -> dev.ferry.coordinator.fsm.NonConvergence.THROTTLE;
      case NON_CONVERGENCE_POSTCOPY -> dev.ferry.coordinator.fsm.NonConvergence.POSTCOPY;
      case NON_CONVERGENCE_FREEZE, NON_CONVERGENCE_UNSPECIFIED, UNRECOGNIZED -> dev.ferry.coordinator.fsm.NonConvergence.FREEZE;
    };
  }

  public static dev.ferry.coordinator.fsm.Strategy strategy(Strategy s) {
    return switch (s) {
      case STRATEGY_PRECOPY -> dev.ferry.coordinator.fsm.Strategy.PRECOPY;
      case STRATEGY_POSTCOPY -> dev.ferry.coordinator.fsm.Strategy.POSTCOPY;
      case STRATEGY_STOPCOPY -> dev.ferry.coordinator.fsm.Strategy.STOPCOPY;
      case STRATEGY_AUTO, STRATEGY_UNSPECIFIED, UNRECOGNIZED -> dev.ferry.coordinator.fsm.Strategy.AUTO;
    };
  }

  public static dev.ferry.coordinator.fsm.ClockPolicy clockPolicy(ClockPolicy p) {
    return switch (p) {
      case CLOCK_POLICY_FREEZE -> dev.ferry.coordinator.fsm.ClockPolicy.FREEZE;
      case CLOCK_POLICY_WALL -> dev.ferry.coordinator.fsm.ClockPolicy.WALL;
      case CLOCK_POLICY_SUSPEND, CLOCK_POLICY_UNSPECIFIED, UNRECOGNIZED -> dev.ferry.coordinator.fsm.ClockPolicy.SUSPEND;
    };
  }

  public static Phase phase(dev.ferry.coordinator.fsm.Phase p) {
    return switch (p) {
      case dev.ferry.coordinator.fsm.Phase.Queued q -> Phase.PHASE_QUEUED;
      case dev.ferry.coordinator.fsm.Phase.Planned x -> Phase.PHASE_PLAN;
      case dev.ferry.coordinator.fsm.Phase.Preflight x -> Phase.PHASE_PREFLIGHT;
      case dev.ferry.coordinator.fsm.Phase.PrepareTarget x -> Phase.PHASE_PREPARE_TARGET;
      case dev.ferry.coordinator.fsm.Phase.PreCopy x -> Phase.PHASE_PRECOPY;
      case dev.ferry.coordinator.fsm.Phase.FreezeAndDump x -> Phase.PHASE_FREEZE_AND_DUMP;
      case dev.ferry.coordinator.fsm.Phase.Transfer x -> Phase.PHASE_TRANSFER;
      case dev.ferry.coordinator.fsm.Phase.Restore x -> Phase.PHASE_RESTORE;
      case dev.ferry.coordinator.fsm.Phase.Verify x -> Phase.PHASE_VERIFY;
      case dev.ferry.coordinator.fsm.Phase.Commit x -> Phase.PHASE_COMMIT;
      case dev.ferry.coordinator.fsm.Phase.Done x -> Phase.PHASE_DONE;
      case dev.ferry.coordinator.fsm.Phase.RollingBack x -> Phase.PHASE_ROLLING_BACK;
      case dev.ferry.coordinator.fsm.Phase.RolledBack x -> Phase.PHASE_ROLLED_BACK;
      case dev.ferry.coordinator.fsm.Phase.Failed x -> Phase.PHASE_FAILED;
    };
  }

  public static dev.ferry.proto.v1.Migration migration(Migration m) {
    var b = dev.ferry.proto.v1.Migration.newBuilder()
        .setMigrationId(m.id()).setContainerId(m.containerId()).setSourceNode(m.sourceNode())
        .setTargetNode(m.targetNode()).setPhase(phase(m.phase()))
        .setRequestedStrategy(Strategy.valueOf("STRATEGY_" + m.spec().strategy().name()))
        .setClockPolicy(AgentMapper.clockPolicy(m.spec().clockPolicy()))
        .setDowntimeBudget(duration(m.spec().downtimeBudget()))
        .setCreatedAt(timestamp(m.createdAt())).setUpdatedAt(timestamp(m.updatedAt()))
        .setStopReason(m.stopReason()).setPriority(m.spec().priority()).setPlacementReason(m.placementReason())
        .setProgress(progress(m)).setStats(stats(m));
    if (m.strategy() != null) {
      b.setChosenStrategy(Strategy.valueOf("STRATEGY_" + m.strategy().strategy().name()))
          .setStrategyReason(m.strategy().reason());
    }
    if (m.phase().terminal()) {
      b.setFinishedAt(timestamp(m.updatedAt()));
    }
    for (PhaseChange c : m.history()) {
      b.addHistory(PhaseTransition.newBuilder().setFrom(phase(c.from())).setTo(phase(c.to()))
          .setAt(timestamp(c.at())).setEvent(c.event()).setDetail(c.detail()));
    }
    for (int i = 0; i < m.rounds().size(); i++) {
      var r = m.rounds().get(i);
      b.addRounds(PrecopyRound.newBuilder().setRound(r.round()).setPagesWritten(r.pagesWritten())
          .setBytes(r.dirtyBytes()).setDuration(duration(r.duration()))
          .setDirtyRateBytesPerSecond(i == 0 ? 0 : r.dirtyRateSince(m.rounds().get(i - 1)))
          .setThroughputBytesPerSecond(r.throughputBytesPerSecond())
          .setCpuThrottlePercent(r.cpuThrottlePercent()));
    }
    if (m.failure() != null) {
      b.setError(error(m.failure(), failedIn(m)));
    }
    return b.build();
  }

  /** The phase a failure happened in: where the migration was when it turned to rollback or failure. */
  private static Phase failedIn(Migration m) {
    for (int i = m.history().size() - 1; i >= 0; i--) {
      PhaseChange c = m.history().get(i);
      if (c.from().beforeCommit() || c.from() instanceof dev.ferry.coordinator.fsm.Phase.Commit) {
        if (!c.to().beforeCommit()) {
          return phase(c.from());
        }
      }
    }
    return phase(m.phase());
  }

  public static FerryError error(Failure f, Phase phase) {
    var b = FerryError.newBuilder().setPhase(phase).setReason(AgentMapper.reason(f.reason()))
        .setMessage(f.message()).setRetryable(f.retryable());
    switch (f) {
      case Failure.StepRejected s -> b.setNode(s.node() == null ? "" : s.node()).setCriuLogTail(s.criuLogTail());
      case Failure.Unreachable u -> b.setNode(u.node() == null ? "" : u.node());
      default -> { }
    }
    return b.build();
  }

  private static Progress progress(Migration m) {
    int round = m.phase() instanceof dev.ferry.coordinator.fsm.Phase.PreCopy(var r) ? r : m.rounds().size();
    return Progress.newBuilder().setPhase(phase(m.phase())).setBytesDone(m.stats().bytesDone())
        .setBytesTotal(m.artifacts().imageBytes()).setBytesOnWire(m.stats().bytesOnWire())
        .setPrecopyRound(round).setDetail(m.phase().label()).build();
  }

  private static MigrationStats stats(Migration m) {
    var s = m.stats();
    var b = MigrationStats.newBuilder().setBytesRaw(s.bytesRaw()).setBytesOnWire(s.bytesOnWire());
    if (s.blackout() != null) {
      b.setBlackout(duration(s.blackout()));
    }
    if (s.restoreDuration() != null) {
      b.setRestoreDuration(duration(s.restoreDuration()));
    }
    if (s.clockJumps() != null) {
      var j = s.clockJumps();
      var jumps = dev.ferry.proto.v1.ClockJumps.newBuilder().setMonotonic(duration(j.monotonic()))
          .setBoottime(duration(j.boottime())).setRealtime(duration(j.realtime())).setBlackout(duration(j.blackout()))
          .setFallbackReason(j.fallbackReason());
      if (j.policy() != null) {
        jumps.setPolicy(AgentMapper.clockPolicy(j.policy()));
      }
      b.setClockJumps(jumps);
    }
    if (s.clockSkew() != null) {
      b.setRealtimeSkewMs(s.clockSkew().realtime().toNanos() / 1e6)
          .setRealtimeSkewErrorMs(s.clockSkew().errorBound().toNanos() / 1e6);
    }
    if (m.phase().terminal()) {
      b.setTotal(duration(java.time.Duration.between(m.createdAt(), m.updatedAt())));
    }
    return b.build();
  }

  public static dev.ferry.proto.v1.Node node(Node n, int migrationsIn, int migrationsOut, int containers) {
    var b = dev.ferry.proto.v1.Node.newBuilder().setName(n.name()).setAddress(n.address())
        .setStatus(n.ready() ? NodeStatus.NODE_STATUS_READY : NodeStatus.NODE_STATUS_NOT_READY)
        .setCordoned(n.cordoned()).setContainers(containers).setMigrationsIn(migrationsIn)
        .setMigrationsOut(migrationsOut);
    if (n.capabilities() != null) {
      b.setCapabilities(AgentMapper.capabilities(n.capabilities()));
    }
    if (n.registeredAt() != null) {
      b.setRegisteredAt(timestamp(n.registeredAt()));
    }
    return b.build();
  }

  public static ContainerInfo container(ContainerEntry c) {
    return ContainerInfo.newBuilder().setContainerId(c.containerId()).setNode(c.node())
        .setState(ContainerState.valueOf("CONTAINER_STATE_" + c.status().name())).setRssBytes(c.rssBytes())
        .setAddress(c.address() == null ? "" : c.address()).build();
  }

  public static ContainerEntry container(String node, ContainerInfo c) {
    String state = c.getState().name().replace("CONTAINER_STATE_", "");
    ContainerEntry.ContainerStatus status;
    try {
      status = ContainerEntry.ContainerStatus.valueOf(state);
    } catch (IllegalArgumentException e) {
      status = ContainerEntry.ContainerStatus.UNKNOWN;
    }
    return new ContainerEntry(c.getContainerId(), node, status, c.getRssBytes(),
        c.getLimits().getMemoryLimitBytes(), c.getLimits().getCpuMillicores(), c.getAddress());
  }

  public static dev.ferry.proto.v1.Evacuation evacuation(Evacuation e) {
    var b = dev.ferry.proto.v1.Evacuation.newBuilder().setEvacuationId(e.id()).setNode(e.node())
        .setFinished(e.finished()).setStartedAt(timestamp(e.startedAt()));
    e.items().forEach(i -> b.addItems(item(i)));
    return b.build();
  }

  public static dev.ferry.proto.v1.DrainResult drain(DrainResult r) {
    var b = dev.ferry.proto.v1.DrainResult.newBuilder().setNode(r.node()).setComplete(r.complete())
        .setElapsed(duration(r.elapsed()));
    r.moved().forEach(i -> b.addMoved(item(i)));
    r.notMoved().forEach(i -> b.addNotMoved(item(i)));
    return b.build();
  }

  private static EvacuationItem item(Evacuation.Item i) {
    var b = EvacuationItem.newBuilder().setContainerId(i.containerId()).setMigrationId(i.migrationId())
        .setTargetNode(i.targetNode() == null ? "" : i.targetNode());
    if (i.phase() != null) {
      b.setPhase(phase(i.phase()));
    }
    if (i.failure() != null) {
      b.setError(error(i.failure(), i.phase() == null ? Phase.PHASE_PLAN : phase(i.phase())));
    }
    return b.build();
  }

  public static dev.ferry.proto.v1.AddressLease lease(dev.ferry.coordinator.ipam.AddressLease l) {
    return dev.ferry.proto.v1.AddressLease.newBuilder().setContainerId(l.containerId()).setAddress(l.address())
        .setPrefixLength(l.prefixLength()).setNetwork(l.network().cidr()).build();
  }
}

package dev.ferry.coordinator.agent;

import dev.ferry.coordinator.fsm.ClockPolicy;
import dev.ferry.coordinator.fsm.NodeCapabilities;
import dev.ferry.timesync.ClockOffset;
import java.time.Duration;
import java.time.Instant;
import java.util.function.LongConsumer;

/** Every agent call through the one {@link AgentCallPolicy}. */
public final class ResilientAgents implements Agents {
  private final Agents delegate;
  private final AgentCallPolicy policy;

  public ResilientAgents(Agents delegate, AgentCallPolicy policy) {
    this.delegate = delegate;
    this.policy = policy;
  }

  @Override
  public AgentClient of(String node) {
    return new Client(node);
  }

  @Override
  public String address(String node) {
    return delegate.address(node);
  }

  private final class Client implements AgentClient {
    private final String node;
    private final Duration shortLimit = policy.settings().shortCallLimit();
    private final Duration longLimit = policy.settings().longCallLimit();

    Client(String node) {
      this.node = node;
    }

    private AgentClient agent() {
      return delegate.of(node);
    }

    @Override
    public NodeCapabilities capabilities() {
      return policy.call(node, "GetCapabilities", true, shortLimit, () -> agent().capabilities());
    }

    @Override
    public Checkpointability checkCheckpointable(String containerId) {
      return policy.call(node, "CheckCheckpointable", true, shortLimit,
          () -> agent().checkCheckpointable(containerId));
    }

    @Override
    public ContainerView inspect(String containerId) {
      return policy.call(node, "InspectContainer", true, shortLimit, () -> agent().inspect(containerId));
    }

    @Override
    public ClockOffset clockOffset() {
      return policy.call(node, "Clock.Probe", true, shortLimit, () -> agent().clockOffset());
    }

    @Override
    public TargetSlot prepareRestore(MigrationRef ref, String containerId, String sourceNode, long expectedBytes) {
      return policy.call(node, "PrepareRestore", true, shortLimit,
          () -> agent().prepareRestore(ref, containerId, sourceNode, expectedBytes));
    }

    @Override
    public DumpInfo preDump(MigrationRef ref, String containerId, int round, int cpuThrottlePercent) {
      return policy.call(node, "PreDump", false, longLimit, () -> agent().preDump(ref, containerId, round, cpuThrottlePercent));
    }

    @Override
    public DumpInfo dump(MigrationRef ref, String containerId, int parentRound, boolean tcp) {
      return policy.call(node, "Dump", false, longLimit, () -> agent().dump(ref, containerId, parentRound, tcp));
    }

    @Override
    public DumpInfo lazyDump(MigrationRef ref, String containerId, boolean tcp) {
      return policy.call(node, "LazyDump", false, longLimit, () -> agent().lazyDump(ref, containerId, tcp));
    }

    @Override
    public TransferInfo sendImages(MigrationRef ref, String containerId, String imageId, String targetAddress,
        String transferToken, ImageKind kind, LongConsumer bytesDone) {
      return policy.call(node, "SendImages", false, longLimit, () -> agent().sendImages(ref, containerId, imageId,
          targetAddress, transferToken, kind, bytesDone));
    }

    @Override
    public java.util.Optional<TransferInfo> sendRootfs(MigrationRef ref, String containerId, String targetAddress, String transferToken) {
      return policy.call(node, "SendRootfs", false, longLimit, () -> agent().sendRootfs(ref, containerId, targetAddress,
          transferToken));
    }

    @Override
    public RestoreInfo restore(MigrationRef ref, String containerId, String imageId, boolean tcp,
        ClockPolicy clockPolicy, Instant frozenAt, String pageServer) {
      return policy.call(node, "Restore", false, longLimit, () -> agent().restore(ref, containerId, imageId, tcp,
          clockPolicy, frozenAt, pageServer));
    }

    @Override
    public void resumeOnSource(MigrationRef ref, String containerId, String imageId, String reason) {
      policy.call(node, "ResumeOnSource", true, longLimit, () -> {
        agent().resumeOnSource(ref, containerId, imageId, reason);
        return null;
      });
    }

    @Override
    public void finalizeSource(MigrationRef ref, String containerId) {
      policy.call(node, "Finalize", true, shortLimit, () -> {
        agent().finalizeSource(ref, containerId);
        return null;
      });
    }

    @Override
    public void abortRestore(MigrationRef ref, String containerId) {
      policy.call(node, "AbortRestore", true, shortLimit, () -> {
        agent().abortRestore(ref, containerId);
        return null;
      });
    }
  }
}

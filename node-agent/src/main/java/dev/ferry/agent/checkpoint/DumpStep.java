package dev.ferry.agent.checkpoint;

import dev.ferry.agent.AgentException;
import dev.ferry.agent.FailureReason;
import dev.ferry.agent.NodeLayout;
import dev.ferry.agent.container.ContainerManager;
import dev.ferry.agent.container.ContainerRecord;
import dev.ferry.agent.container.ContainerStore;
import dev.ferry.agent.container.ContainerView;
import dev.ferry.agent.container.Lifecycle;
import dev.ferry.agent.runtime.CheckpointOptions;
import dev.ferry.agent.runtime.ContainerId;
import dev.ferry.agent.runtime.CrunCommands;
import dev.ferry.process.ProcessResult;
import dev.ferry.process.ProcessRunner;
import java.nio.file.Path;
import java.time.Instant;
import java.time.InstantSource;

/**
 * The final dump: freeze and dump everything (only what changed since the parent round, if
 * given). A trial dump ({@code leaveRunning}) proves the container checkpointable and keeps it
 * running. If CRIU fails, CRIU itself thaws the container; the agent checks that it did.
 */
public final class DumpStep {
  public static final String FINAL_IMAGE = "final";

  private final NodeLayout layout;
  private final ContainerManager containers;
  private final CrunCommands crun;
  private final CpuThrottle throttle;
  private final ProcessRunner runner;
  private final InstantSource clock;

  public DumpStep(NodeLayout layout, ContainerManager containers, CrunCommands crun, CpuThrottle throttle,
      ProcessRunner runner, InstantSource clock) {
    this.throttle = throttle;
    this.layout = layout;
    this.containers = containers;
    this.crun = crun;
    this.runner = runner;
    this.clock = clock;
  }

  public DumpResult dump(MigrationContext ctx, ContainerId id, boolean leaveRunning, boolean tcpEstablished,
      boolean closeConnections, int parentRound) {
    ContainerView before = RunningCheck.require(containers, id, "dump");
    String imageId = leaveRunning ? "trial" : FINAL_IMAGE;
    Path images = ImageDir.prepare(runner, layout.images(id, imageId));
    Path work = ImageDir.prepare(runner, layout.work(id, imageId));
    CheckpointOptions options = CheckpointOptions.dump(images, work).withTcpEstablished(tcpEstablished)
        .closingConnections(closeConnections);
    if (parentRound > 0) {
      options = options.withParent(Path.of("..", PreDumpStep.roundImage(parentRound)));
    }
    if (leaveRunning) {
      options = options.leavingRunning();
    }
    ContainerRecord record = before.record().withImage(imageId, ctx.migrationId());
    // The target writes its own config from this record, shipped inside the images.
    ContainerStore.write(images.resolve(ContainerRecord.FILE_IN_IMAGES), record.with(Lifecycle.RUNNING));

    if (!leaveRunning) {
      throttle.lift(id); // the images carry the container's own CPU limit, not auto-converge's cap
      containers.networking().holdNewConnections(id, record.attachment());
    }
    Instant frozenAt = clock.instant();
    ProcessResult r;
    try {
      r = crun.checkpoint(id, options);
    } catch (AgentException e) {
      if (!leaveRunning) {
        containers.networking().admitNewConnections(id, record.attachment()); // CRIU thawed it: the source serves on
      }
      throw stillRunningOrWorse(id, e);
    }
    FreezeClocks.Frozen frozen = FreezeClocks.record(images, work, before, frozenAt);
    containers.save(record.with(leaveRunning ? Lifecycle.RUNNING : Lifecycle.CHECKPOINTED));
    if (!leaveRunning) {
      containers.networking().silence(id, record.attachment()); // the target announces the address once it runs there
    }
    ContainerView after = containers.inspect(id);
    return new DumpResult(id.value(), imageId, 0, ImageDir.bytes(images), ImageDir.pages(images), r.duration(),
        frozen.at(), frozen.clocks(), after.status());
  }

  /** Seed requirement: should checkpoint fail, the container continues without noticing. Say if it did not. */
  private AgentException stillRunningOrWorse(ContainerId id, AgentException e) {
    boolean running = crun.state(id).map(s -> s.running()).orElse(false);
    if (running) {
      return e;
    }
    return new AgentException(e.reason(), e.getMessage() + "; the container is no longer running after the failed dump",
        e.criuLogTail(), e);
  }

  static AgentException notRunning(ContainerId id, String step, ContainerView.Status status) {
    return new AgentException(FailureReason.WRONG_STATE, "cannot " + step + " container '" + id + "': it is " + status.name().toLowerCase());
  }
}

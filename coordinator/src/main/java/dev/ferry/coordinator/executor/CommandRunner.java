package dev.ferry.coordinator.executor;

import dev.ferry.coordinator.agent.AgentClient;
import dev.ferry.coordinator.agent.AgentClient.ContainerView;
import dev.ferry.coordinator.agent.AgentClient.DumpInfo;
import dev.ferry.coordinator.agent.AgentClient.ImageKind;
import dev.ferry.coordinator.agent.AgentClient.MigrationRef;
import dev.ferry.coordinator.agent.AgentClient.TransferInfo;
import dev.ferry.coordinator.agent.AgentException;
import dev.ferry.coordinator.agent.Agents;
import dev.ferry.coordinator.fsm.Command;
import dev.ferry.coordinator.fsm.Event;
import dev.ferry.coordinator.fsm.Failure;
import dev.ferry.coordinator.fsm.NodeCapabilities;
import dev.ferry.coordinator.fsm.PrecopyRound;
import dev.ferry.coordinator.fsm.Reason;
import dev.ferry.coordinator.fsm.StrategyChooser;
import dev.ferry.timesync.SkewGuard;
import java.util.List;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a decision's commands against the agents, in order, and turns the outcome into the one
 * event the FSM needs next. Intermediate progress (bytes transferred) goes to {@code progress}.
 */
public final class CommandRunner {
  private static final Logger log = LoggerFactory.getLogger(CommandRunner.class);
  private final Agents agents;
  private final StrategyChooser chooser;
  private final ClockSkewCheck skewCheck;

  public CommandRunner(Agents agents, StrategyChooser chooser) {
    this(agents, chooser, ClockSkewCheck.DEFAULT_GUARD);
  }

  public CommandRunner(Agents agents, StrategyChooser chooser, SkewGuard skewGuard) {
    this.agents = agents;
    this.chooser = chooser;
    this.skewCheck = new ClockSkewCheck(skewGuard);
  }

  public Event run(List<Command> commands, MigrationRef ref, Consumer<Event> progress) {
    if (commands.isEmpty()) {
      throw new IllegalArgumentException("nothing to run for migration " + ref.migrationId());
    }
    Event last = null;
    for (Command c : commands) {
      try {
        last = run(c, ref, progress);
      } catch (AgentException e) {
        return new Event.StepFailed(whoseSide(e.failure(), c));
      }
    }
    return last;
  }

  /**
   * An unreachable agent is labelled the target's by default; the command knows whether it
   * was the source's (say, the source agent died while streaming its images).
   */
  static Failure whoseSide(Failure failure, Command command) {
    String source = switch (command) {
      case Command.RunPreflight c -> c.sourceNode();
      case Command.PreDumpOnSource c -> c.sourceNode();
      case Command.DumpOnSource c -> c.sourceNode();
      case Command.StartTransfer c -> c.sourceNode();
      case Command.FinalizeOnSource c -> c.sourceNode();
      case Command.ResumeOnSource c -> c.sourceNode();
      default -> null;
    };
    if (failure instanceof Failure.Unreachable u && u.reason() == Reason.TARGET_UNREACHABLE && u.node() != null
        && u.node().equals(source)) {
      return new Failure.Unreachable(Reason.SOURCE_UNREACHABLE, u.node(), u.message());
    }
    return failure;
  }

  private Event run(Command command, MigrationRef ref, Consumer<Event> progress) {
    return switch (command) {
      case Command.RunPreflight c -> preflight(c);
      case Command.PrepareTarget c -> {
        var slot = agents.of(c.targetNode()).prepareRestore(ref, c.containerId(), c.sourceNode(), 0);
        // The root filesystem's first pass, while the container runs: after freeze only its delta travels.
        yield agents.of(c.sourceNode()).sendRootfs(ref, c.containerId(), agents.address(c.targetNode()), slot.transferToken())
            .map(sent -> new Event.TargetPrepared(slot.imageId(), slot.transferToken(), sent.bytesRaw(), sent.bytesOnWire()))
            .orElseGet(() -> new Event.TargetPrepared(slot.imageId(), slot.transferToken()));
      }
      case Command.PreDumpOnSource c -> {
        AgentClient src = agents.of(c.sourceNode());
        DumpInfo dump = src.preDump(ref, c.containerId(), c.round(), c.cpuThrottlePercent());
        TransferInfo sent = src.sendImages(ref, c.containerId(), dump.imageId(), agents.address(c.targetNode()),
            c.transferToken(), ImageKind.PRECOPY_ROUND, bytes -> { });
        yield new Event.RoundDumped(new PrecopyRound(c.round(), dump.bytes(), dump.pages(),
            dump.duration().plus(sent.duration()), sent.bytesPerSecond(), c.cpuThrottlePercent()));
      }
      case Command.DumpOnSource c -> {
        AgentClient src = agents.of(c.sourceNode());
        DumpInfo dump = c.lazy() ? src.lazyDump(ref, c.containerId(), c.tcpEstablished())
            : src.dump(ref, c.containerId(), c.parentRound(), c.tcpEstablished());
        yield new Event.DumpCompleted(dump.imageId(), dump.bytes(), dump.frozenAt(), dump.pageServer());
      }
      case Command.StartTransfer c -> {
        TransferInfo sent = agents.of(c.sourceNode()).sendImages(ref, c.containerId(), c.sourceImageId(),
            agents.address(c.targetNode()), c.transferToken(), ImageKind.IMAGES,
            bytes -> progress.accept(new Event.TransferProgressed(bytes)));
        yield new Event.TransferCompleted(sent.bytesRaw(), sent.bytesOnWire());
      }
      case Command.RestoreOnTarget c -> {
        var restored = agents.of(c.targetNode()).restore(ref, c.containerId(), c.targetImageId(),
            c.tcpEstablished(), c.clockPolicy(), c.frozenAt(), c.pageServer());
        yield new Event.Restored(restored.duration(), restored.resumedAt(), restored.clockJumps());
      }
      case Command.VerifyOnTarget c -> {
        ContainerView view = agents.of(c.targetNode()).inspect(c.containerId());
        if (!view.running()) {
          throw new AgentException(new Failure.StepRejected(Reason.VERIFY_FAILED, c.targetNode(),
              "restored container " + c.containerId() + " is " + view.state() + " on " + c.targetNode()
                  + ", not RUNNING", ""));
        }
        yield new Event.Verified("running on " + c.targetNode());
      }
      case Command.FinalizeOnSource c -> {
        agents.of(c.sourceNode()).finalizeSource(ref, c.containerId());
        yield new Event.Committed();
      }
      case Command.AbortOnTarget c -> {
        agents.of(c.targetNode()).abortRestore(ref, c.containerId());
        yield new Event.RollbackCompleted();
      }
      case Command.ResumeOnSource c -> {
        agents.of(c.sourceNode()).resumeOnSource(ref, c.containerId(), c.sourceImageId(), c.reason());
        yield new Event.RollbackCompleted();
      }
    };
  }

  /** Both nodes' capabilities, their wall-clock skew, the container's state and obstacles, then the strategy. */
  private Event preflight(Command.RunPreflight c) {
    AgentClient src = agents.of(c.sourceNode());
    AgentClient dst = agents.of(c.targetNode());
    NodeCapabilities source = src.capabilities();
    NodeCapabilities target = dst.capabilities();
    var clocks = skewCheck.decide(c.sourceNode(), src.clockOffset(), c.targetNode(), dst.clockOffset());
    if (clocks instanceof ClockSkewCheck.Outcome.Refuse(var skew, var failure)) {
      return new Event.PreflightFailed(failure);
    }
    if (!clocks.skew().warning().isEmpty()) {
      log.warn("migrating {} despite the clock skew: {}", c.containerId(), clocks.skew().warning());
    }
    ContainerView ct = src.inspect(c.containerId());
    if (!ct.running()) {
      return refused(Reason.NOT_CHECKPOINTABLE, "container " + c.containerId() + " is " + ct.state() + " on "
          + c.sourceNode() + "; only a running container can be migrated live");
    }
    var check = src.checkCheckpointable(c.containerId());
    if (!check.checkpointable()) {
      return refused(Reason.NOT_CHECKPOINTABLE, "container " + c.containerId() + " cannot be checkpointed: "
          + String.join("; ", check.obstacles()));
    }
    var unfit = NetworkFit.problem(c.containerId(), ct.address(), c.targetNode(), target.containerNetwork());
    if (unfit.isPresent()) {
      return refused(Reason.CAPABILITY_MISSING, unfit.get());
    }
    if (target.memoryAvailableBytes() < ct.rssBytes()) {
      return refused(Reason.INSUFFICIENT_RESOURCES, c.targetNode() + " has " + (target.memoryAvailableBytes() >> 20)
          + " MiB free, the container uses " + (ct.rssBytes() >> 20) + " MiB");
    }
    return switch (chooser.choose(c.requested(), c.onNonConvergence(), source, target, ct.rssBytes(),
        c.downtimeBudget())) {
      case StrategyChooser.Chosen(var choice) ->
          new Event.PreflightPassed(source.summary() + "; " + target.summary(), choice, clocks.skew());
      case StrategyChooser.Refusal(var failure) -> new Event.PreflightFailed(failure);
    };
  }

  private static Event refused(Reason reason, String message) {
    return new Event.PreflightFailed(new Failure.Refused(reason, message));
  }
}

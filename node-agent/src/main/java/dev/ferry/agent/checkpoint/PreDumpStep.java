package dev.ferry.agent.checkpoint;

import dev.ferry.agent.AgentException;
import dev.ferry.agent.FailureReason;
import dev.ferry.agent.NodeLayout;
import dev.ferry.agent.capability.CapabilityProbe;
import dev.ferry.agent.capability.Feature;
import dev.ferry.agent.container.ContainerManager;
import dev.ferry.agent.container.ContainerView;
import dev.ferry.agent.runtime.CheckpointOptions;
import dev.ferry.agent.runtime.ContainerId;
import dev.ferry.agent.runtime.CrunCommands;
import dev.ferry.process.ProcessResult;
import dev.ferry.process.ProcessRunner;
import java.nio.file.Path;
import java.time.Instant;
import java.time.InstantSource;

/**
 * Pre-dump round N: memory only, the container keeps running, round N-1 as parent so only
 * pages dirtied since then are written. Needs kernel dirty tracking; without it this step
 * refuses up front: a pre-dump that silently became a full dump would be a lie.
 */
public final class PreDumpStep {
  private final NodeLayout layout;
  private final ContainerManager containers;
  private final CrunCommands crun;
  private final CapabilityProbe capabilities;
  private final CpuThrottle throttle;
  private final ProcessRunner runner;
  private final InstantSource clock;

  public PreDumpStep(NodeLayout layout, ContainerManager containers, CrunCommands crun, CapabilityProbe capabilities,
      CpuThrottle throttle, ProcessRunner runner, InstantSource clock) {
    this.throttle = throttle;
    this.layout = layout;
    this.containers = containers;
    this.crun = crun;
    this.capabilities = capabilities;
    this.runner = runner;
    this.clock = clock;
  }

  public static String roundImage(int round) {
    return "round-" + round;
  }

  /** Whether {@code name} is one {@link #roundImage} gives. */
  public static boolean isRoundImage(String name) {
    return ROUND_IMAGE.matcher(name).matches();
  }

  private static final java.util.regex.Pattern ROUND_IMAGE = java.util.regex.Pattern.compile("round-[1-9][0-9]{0,3}");

  /** @param cpuThrottlePercent auto-converge: cap the CPU at this share of its own limit first; 0: leave it */
  public DumpResult preDump(MigrationContext ctx, ContainerId id, int round, int cpuThrottlePercent) {
    if (round < 1) {
      throw AgentException.invalid("pre-dump rounds count from 1, was " + round);
    }
    Feature dirty = capabilities.get(false).dirtyTracking();
    if (!dirty.available()) {
      throw new AgentException(FailureReason.CAPABILITY_MISSING,
          "pre-dump needs kernel dirty-page tracking, which this node lacks: " + dirty.reason()
              + ". Use strategy stopcopy or postcopy on this node.");
    }
    RunningCheck.require(containers, id, "pre-dump");
    throttle.cap(id, cpuThrottlePercent);
    Path images = ImageDir.prepare(runner, layout.images(id, roundImage(round)));
    Path work = ImageDir.prepare(runner, layout.work(id, roundImage(round)));
    CheckpointOptions options = CheckpointOptions.dump(images, work).asPreDump();
    if (round > 1) {
      options = options.withParent(Path.of("..", roundImage(round - 1)));
    }
    Instant started = clock.instant();
    ProcessResult r = crun.checkpoint(id, options);
    ContainerView after = containers.inspect(id);
    return new DumpResult(id.value(), roundImage(round), round, ImageDir.bytes(images), ImageDir.pages(images),
        r.duration(), started, after.clocks(), after.status());
  }
}

package dev.ferry.agent.checkpoint;

import dev.ferry.agent.AgentException;
import dev.ferry.agent.NodeLayout;
import dev.ferry.agent.container.ContainerManager;
import dev.ferry.agent.runtime.ContainerId;
import dev.ferry.agent.runtime.CrunCommands;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Auto-converge on the source: caps a container's CPU through its cgroup so it dirties memory
 * slower than pre-copy copies it, and lifts the cap at the final dump or when the container
 * resumes after a rollback. The cap is a share of the container's own limit (one core when it has
 * none); a marker file remembers it across an agent restart, so a lift is never forgotten.
 */
public final class CpuThrottle {
  static final long PERIOD_MICROS = 100_000;
  private static final long UNLIMITED = -1;

  private final NodeLayout layout;
  private final ContainerManager containers;
  private final CrunCommands crun;

  public CpuThrottle(NodeLayout layout, ContainerManager containers, CrunCommands crun) {
    this.layout = layout;
    this.containers = containers;
    this.crun = crun;
  }

  /** Caps the CPU at {@code percent} of the container's own limit; 0 leaves it as it is. */
  public void cap(ContainerId id, int percent) {
    if (percent == 0) {
      return;
    }
    if (percent < 1 || percent > 99) {
      throw AgentException.invalid("cpu_throttle_percent must be 1..99 (or 0 for none), was " + percent);
    }
    long own = containers.require(id).cpuMillicores();
    long quota = Math.max(1_000, (own > 0 ? own : 1_000) * 100 * percent / 100);
    crun.updateCpu(id, quota, PERIOD_MICROS);
    write(layout.cpuThrottleMarker(id), percent + "%\n");
  }

  /** Gives the container its own CPU limit back, if a cap is in place. */
  public void lift(ContainerId id) {
    Path marker = layout.cpuThrottleMarker(id);
    if (!Files.exists(marker)) {
      return;
    }
    long own = containers.require(id).cpuMillicores();
    crun.updateCpu(id, own > 0 ? own * 100 : UNLIMITED, PERIOD_MICROS);
    try {
      Files.deleteIfExists(marker);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void write(Path file, String text) {
    try {
      Files.writeString(file, text);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}

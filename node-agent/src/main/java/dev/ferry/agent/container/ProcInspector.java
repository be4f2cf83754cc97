package dev.ferry.agent.container;

import dev.ferry.agent.capability.HostFacts;
import dev.ferry.agent.runtime.TimeOffsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/** Reads a running container's memory, time-namespace offsets and clocks from /proc. */
public final class ProcInspector {
  private final String cgroupParent;

  /** @param cgroupParent this node's cgroup parent, e.g. {@code /ferry/nodeA} */
  public ProcInspector(String cgroupParent) {
    this.cgroupParent = cgroupParent;
  }

  /** Memory charged to the container's cgroup; the init process's RSS where no v1 memory controller is mounted. */
  public long rssBytes(String containerId, int pid) {
    Path usage = Path.of("/sys/fs/cgroup/memory" + cgroupParent, containerId, "memory.usage_in_bytes");
    Optional<Long> charged = HostFacts.read(usage).map(s -> Long.parseLong(s.strip()));
    if (charged.isPresent()) {
      return charged.get();
    }
    return HostFacts.read(Path.of("/proc", Integer.toString(pid), "status")).flatMap(s -> s.lines()
            .filter(l -> l.startsWith("VmRSS:")).map(l -> Long.parseLong(l.replaceAll("[^0-9]", "")) * 1024).findFirst())
        .orElse(0L);
  }

  /** The offsets the kernel applies for the process's time namespace (/proc/PID/timens_offsets). */
  public Optional<TimeOffsets> offsets(int pid) {
    return HostFacts.read(Path.of("/proc", Integer.toString(pid), "timens_offsets")).map(ProcInspector::parseOffsets);
  }

  public static TimeOffsets parseOffsets(String text) {
    Duration mono = Duration.ZERO;
    Duration boot = Duration.ZERO;
    for (String line : text.lines().toList()) {
      String[] f = line.trim().split("\\s+");
      if (f.length != 3) {
        continue;
      }
      Duration d = Duration.ofSeconds(Long.parseLong(f[1]), Long.parseLong(f[2]));
      // The kernel names the clocks, or (older kernels) gives their ids: 1 monotonic, 7 boottime.
      switch (f[0]) {
        case "monotonic", "1" -> mono = d;
        case "boottime", "7" -> boot = d;
        default -> { }
      }
    }
    return new TimeOffsets(mono, boot);
  }

  /** The container's clocks now: the host's clocks plus its namespace's offsets. */
  public ContainerView.Clocks clocks(TimeOffsets offsets) {
    Instant now = Instant.now();
    Duration hostMono = Duration.ofNanos(System.nanoTime());
    Duration hostBoot = HostFacts.read(Path.of("/proc/uptime"))
        .map(s -> Duration.ofNanos((long) (Double.parseDouble(s.split(" ")[0]) * 1e9))).orElse(hostMono);
    return new ContainerView.Clocks(hostMono.plus(offsets.monotonic()), hostBoot.plus(offsets.boottime()),
        now.getEpochSecond() * 1_000_000_000L + now.getNano());
  }
}

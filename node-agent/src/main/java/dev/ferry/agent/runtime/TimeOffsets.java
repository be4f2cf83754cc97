package dev.ferry.agent.runtime;

import java.time.Duration;
import java.util.Objects;

/** Offsets of a container's time namespace: its clocks minus the host's. */
public record TimeOffsets(Duration monotonic, Duration boottime) {
  public static final TimeOffsets ZERO = new TimeOffsets(Duration.ZERO, Duration.ZERO);

  public TimeOffsets {
    Objects.requireNonNull(monotonic, "monotonic");
    Objects.requireNonNull(boottime, "boottime");
  }
}

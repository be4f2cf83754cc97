package dev.ferry.agent.container;

import dev.ferry.agent.runtime.TimeOffsets;
import java.nio.file.Path;
import java.time.Duration;

/** A container as the agent reports it: its record joined with what crun and /proc say now. */
public record ContainerView(
    ContainerRecord record,
    Status status,
    int pid,
    long rssBytes,
    TimeOffsets offsets,
    Clocks clocks,
    Path bundle) {

  public enum Status { CREATED, RUNNING, PAUSED, STOPPED, CHECKPOINTED, UNKNOWN }

  /** The container's CLOCK_MONOTONIC and CLOCK_BOOTTIME now, and the host's realtime. */
  public record Clocks(Duration monotonic, Duration boottime, long realtimeEpochNanos) {}
}

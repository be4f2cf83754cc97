package dev.ferry.agent.capability;

import java.time.Instant;

/** What this node can do, proven by trials at start and refreshed on demand. */
public record NodeCapabilities(
    String node,
    String kernel,
    String criuVersion,
    String crunVersion,
    Feature checkpointRestore,
    Feature dirtyTracking,
    Feature lazyPages,
    Feature timeNamespaces,
    Feature networkLock,
    String networkLockMethod,
    byte[] cpuinfoImage,
    String cpuModel,
    int cpuCount,
    long memoryTotalBytes,
    long memoryAvailableBytes,
    long diskAvailableBytes,
    Instant probedAt) {

  public NodeCapabilities {
    cpuinfoImage = cpuinfoImage.clone();
  }

  @Override
  public byte[] cpuinfoImage() {
    return cpuinfoImage.clone();
  }
}

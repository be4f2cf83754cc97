package dev.ferry.coordinator.fsm;

/** What an agent reported about its host, in the coordinator's terms. */
public record NodeCapabilities(
    String node,
    String criuVersion,
    String kernel,
    Feature dirtyTracking,
    Feature lazyPages,
    Feature timeNamespaces,
    int cpuCount,
    long memoryAvailableBytes,
    long diskAvailableBytes,
    String containerNetwork) {

  public NodeCapabilities {
    containerNetwork = containerNetwork == null ? "" : containerNetwork;
  }

  /** A node without a container network (its containers have private namespaces). */
  public NodeCapabilities(String node, String criuVersion, String kernel, Feature dirtyTracking, Feature lazyPages,
      Feature timeNamespaces, int cpuCount, long memoryAvailableBytes, long diskAvailableBytes) {
    this(node, criuVersion, kernel, dirtyTracking, lazyPages, timeNamespaces, cpuCount, memoryAvailableBytes,
        diskAvailableBytes, "");
  }

  public String summary() {
    return node + ": kernel " + kernel + ", criu " + criuVersion
        + ", dirty tracking " + (dirtyTracking.available() ? "yes" : "no")
        + ", lazy pages " + (lazyPages.available() ? "yes" : "no")
        + ", " + cpuCount + " cpus, " + (memoryAvailableBytes >> 20) + " MiB free";
  }
}

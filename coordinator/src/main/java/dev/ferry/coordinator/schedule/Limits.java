package dev.ferry.coordinator.schedule;

/** How many migrations may run at once: per node in each direction and in the whole cluster (KubeVirt's defaults). */
public record Limits(int outboundPerNode, int inboundPerNode, int cluster) {
  public static final Limits DEFAULT = new Limits(2, 2, 5);

  public Limits {
    if (outboundPerNode < 1 || inboundPerNode < 1 || cluster < 1) {
      throw new IllegalArgumentException("limits must be at least 1, were outbound=" + outboundPerNode
          + " inbound=" + inboundPerNode + " cluster=" + cluster);
    }
  }
}

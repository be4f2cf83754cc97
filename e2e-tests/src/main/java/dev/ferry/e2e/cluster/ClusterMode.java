package dev.ferry.e2e.cluster;

/**
 * How much of a real deployment a {@link LocalCluster} reproduces.
 *
 * @param plaintext            every member runs {@code --insecure}, no CA (see {@link ClusterPki#plaintext})
 * @param coordinatorInProcess the coordinator runs in the harness's JVM (see {@link CoordinatorNode})
 */
public record ClusterMode(boolean plaintext, boolean coordinatorInProcess) {
  /** Mutual TLS, every component its own process: what the suite tests. */
  public static final ClusterMode REAL = new ClusterMode(false, false);

  /**
   * For a cluster that measures migrations in an emulated guest (the stock-kernel lane), where TLS
   * in emulated software and one more JVM start would cost minutes: plaintext, the coordinator in
   * the harness's JVM. The agents stay processes in their nodes' network namespaces.
   */
  public static final ClusterMode LEAN = new ClusterMode(true, true);
}

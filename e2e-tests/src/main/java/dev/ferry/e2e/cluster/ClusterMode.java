package dev.ferry.e2e.cluster;

/**
 * How much of a real deployment a {@link LocalCluster} reproduces, and its liveness timing.
 *
 * @param plaintext            every member runs {@code --insecure}, no CA (see {@link ClusterPki#plaintext})
 * @param coordinatorInProcess the coordinator runs in the harness's JVM (see {@link CoordinatorNode})
 * @param registerInterval     the agents' {@code --register-interval} (also their registration calls' deadline)
 * @param nodeLeaseTtl         the coordinator's {@code --node-lease-ttl}: a node missing registrations this long is not ready
 * @param electionTtl          the coordinator's {@code --election-ttl}: a leader that cannot renew its lease this long steps down
 */
public record ClusterMode(boolean plaintext, boolean coordinatorInProcess, java.time.Duration registerInterval,
    java.time.Duration nodeLeaseTtl, java.time.Duration electionTtl) {
  /** Mutual TLS, every component its own process, fast liveness, the coordinator's default election lease: what the suite tests. */
  public static final ClusterMode REAL = new ClusterMode(false, false, java.time.Duration.ofSeconds(1), java.time.Duration.ofSeconds(6),
      dev.ferry.coordinator.service.CoordinatorConfig.DEFAULT.electionTtl());

  /**
   * For a cluster that measures migrations in an emulated guest (the stock-kernel lane), where TLS
   * in emulated software and one more JVM start would cost minutes: plaintext, the coordinator in
   * the harness's JVM. The agents stay processes in their nodes' network namespaces. Registration
   * every 3 s with a 15 s node lease: a 1 s call deadline missed again and again there (seen in the lane).
   * A 30 s election lease: with 5 s the leader's keep-alive once ended there mid-migration ("lease keep-alive
   * ended"), the coordinator stepped down and a pre-copy migration rolled back.
   */
  public static final ClusterMode LEAN = new ClusterMode(true, true, java.time.Duration.ofSeconds(3), java.time.Duration.ofSeconds(15),
      java.time.Duration.ofSeconds(30));
}

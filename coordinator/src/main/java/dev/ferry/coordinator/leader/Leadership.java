package dev.ferry.coordinator.leader;

/** Whether this coordinator may drive migrations right now, and under which epoch. */
public interface Leadership {

  boolean isLeader();

  /**
   * The current epoch (etcd election revision), carried by every command to agents.
   *
   * @throws NotLeaderException if this coordinator is not (or no longer) the leader
   */
  long epoch();

  /** Who leads, as the leader advertised itself (its address), or empty if nobody does. */
  String leader();

  /** The etcd fence for writes while leading; empty when not leading or not backed by an election. */
  default java.util.Optional<dev.ferry.coordinator.store.Fence> fence() {
    return java.util.Optional.empty();
  }

  /** A coordinator that is always leader: single-coordinator unit tests. */
  static Leadership fixed(long epoch, String self) {
    return new Leadership() {
      @Override
      public boolean isLeader() {
        return true;
      }

      @Override
      public long epoch() {
        return epoch;
      }

      @Override
      public String leader() {
        return self;
      }
    };
  }
}

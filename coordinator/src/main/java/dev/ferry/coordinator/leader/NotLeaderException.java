package dev.ferry.coordinator.leader;

/** A write reached a coordinator that does not lead; the message names who does. */
public final class NotLeaderException extends RuntimeException {
  private final String leader;

  public NotLeaderException(String leader) {
    super(leader.isEmpty()
        ? "this coordinator is not the leader and no leader is elected right now; retry shortly"
        : "this coordinator is not the leader; send writes to the leader at " + leader);
    this.leader = leader;
  }

  public String leader() {
    return leader;
  }
}

package dev.ferry.coordinator.testkit;

import dev.ferry.coordinator.leader.Leadership;
import dev.ferry.coordinator.leader.NotLeaderException;

/** Leadership a test turns on and off, to depose a coordinator at a chosen moment. */
public final class SwitchableLeadership implements Leadership {
  private volatile boolean leader;
  private volatile long epoch;
  private final String self;

  public SwitchableLeadership(String self) {
    this.self = self;
  }

  public void elect(long newEpoch) {
    epoch = newEpoch;
    leader = true;
  }

  public void depose() {
    leader = false;
  }

  @Override
  public boolean isLeader() {
    return leader;
  }

  @Override
  public long epoch() {
    if (!leader) {
      throw new NotLeaderException("");
    }
    return epoch;
  }

  @Override
  public String leader() {
    return leader ? self : "";
  }
}

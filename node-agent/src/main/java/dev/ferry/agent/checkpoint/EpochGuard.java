package dev.ferry.agent.checkpoint;

import dev.ferry.agent.AgentException;
import dev.ferry.agent.FailureReason;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Fencing: the agent remembers the highest coordinator epoch it has seen and refuses commands
 * carrying a lower one, so a deposed coordinator that has not noticed its loss cannot act.
 * Epoch 0 means "no coordinator" (an operator calling the agent directly) and is always let through.
 */
public final class EpochGuard {
  private final AtomicLong highest = new AtomicLong();

  public void admit(MigrationContext ctx) {
    long epoch = ctx.epoch();
    if (epoch == 0) {
      return;
    }
    long seen = highest.accumulateAndGet(epoch, Math::max);
    if (epoch < seen) {
      throw new AgentException(FailureReason.STALE_EPOCH,
          "command for migration " + ctx.migrationId() + " carries epoch " + epoch
              + ", but this agent already follows epoch " + seen + ": the sender is no longer the leader");
    }
  }

  public long highest() {
    return highest.get();
  }
}

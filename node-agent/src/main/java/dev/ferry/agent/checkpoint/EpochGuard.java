package dev.ferry.agent.checkpoint;

import dev.ferry.agent.AgentException;
import dev.ferry.agent.FailureReason;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fencing: the agent remembers the highest coordinator epoch it has seen and refuses commands
 * carrying a lower one, so a deposed coordinator that has not noticed its loss cannot act.
 * Epoch 0 means "no coordinator" (an operator calling the agent directly) and is always let through.
 * Every refusal is logged and counted: a deposed coordinator acting late is worth an operator's look.
 */
public final class EpochGuard {
  private static final Logger log = LoggerFactory.getLogger(EpochGuard.class);

  private final AtomicLong highest = new AtomicLong();
  private final AtomicLong refused = new AtomicLong();

  public void admit(MigrationContext ctx) {
    long epoch = ctx.epoch();
    if (epoch == 0) {
      return;
    }
    long seen = highest.accumulateAndGet(epoch, Math::max);
    if (epoch < seen) {
      long n = refused.incrementAndGet();
      log.warn("fencing: refused a command for migration {} from stale epoch {}; this agent follows epoch {} "
          + "({} refusal{} so far)", ctx.migrationId(), epoch, seen, n, n == 1 ? "" : "s");
      throw new AgentException(FailureReason.STALE_EPOCH,
          "command for migration " + ctx.migrationId() + " carries epoch " + epoch
              + ", but this agent already follows epoch " + seen + ": the sender is no longer the leader");
    }
  }

  public long highest() {
    return highest.get();
  }

  /** Commands refused for a stale epoch since the agent started. */
  public long refused() {
    return refused.get();
  }
}

package dev.ferry.transfer.grpc;

import dev.ferry.transfer.FailureReason;
import dev.ferry.transfer.TransferException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Runs one call's work again after retryable failures (a broken connection), with backoff. */
final class Retrying {
  private static final Logger log = LoggerFactory.getLogger(Retrying.class);
  private static final long FIRST_BACKOFF_MS = 50;
  private static final long MAX_BACKOFF_MS = 2_000;

  interface Attempt {
    void run(int attempt);
  }

  private Retrying() {}

  static void run(TransferPlan plan, String what, Attempt work) {
    int maxAttempts = plan.request().options().maxAttempts();
    for (int attempt = 0; ; attempt++) {
      try {
        work.run(attempt);
        return;
      } catch (TransferException e) {
        if (!e.retryable() || attempt + 1 >= maxAttempts) {
          throw e;
        }
        long backoff = Math.min(MAX_BACKOFF_MS, FIRST_BACKOFF_MS << Math.min(attempt, 10));
        log.info("{} of transfer {} broke ({}); resuming in {} ms (attempt {} of {})",
            what, plan.transferId(), e.getMessage(), backoff, attempt + 2, maxAttempts);
        try {
          Thread.sleep(backoff);
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          throw new TransferException(FailureReason.CANCELLED, "interrupted while waiting to resume", false, ie);
        }
      }
    }
  }
}

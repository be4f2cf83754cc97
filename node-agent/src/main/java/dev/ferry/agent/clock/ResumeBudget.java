package dev.ferry.agent.clock;

import java.time.Duration;

/**
 * How long after CRIU sets a restore's clock offsets the restored tasks should resume: the hold
 * a paused clock is set back by. Too short and paused clocks move forward by the overrun; too
 * long only costs downtime. CRIU restores memory in between, so the lag grows with the image;
 * this node learns it from its own restores (lag per MiB of images, last restore wins) and
 * allows twice the prediction.
 */
public final class ResumeBudget {
  private static final double FIXED_MIB = 32;
  private static final Duration MIN = Duration.ofMillis(20);
  private static final Duration MAX = Duration.ofSeconds(20);

  // Before any restore on this node: 100 ms per 32 MiB (slower than observed on a loaded 2-core machine).
  private volatile double nanosPerMib = 100e6 / FIXED_MIB;

  public Duration forImage(long imageBytes) {
    double predicted = nanosPerMib * (FIXED_MIB + imageBytes / 1048576.0);
    Duration budget = Duration.ofNanos((long) (2 * predicted));
    return budget.compareTo(MIN) < 0 ? MIN : budget.compareTo(MAX) > 0 ? MAX : budget;
  }

  /** A restore of {@code imageBytes} reached pre-resume {@code lag} after its offsets were set. */
  public void observe(long imageBytes, Duration lag) {
    if (!lag.isNegative() && !lag.isZero()) {
      nanosPerMib = lag.toNanos() / (FIXED_MIB + imageBytes / 1048576.0);
    }
  }
}

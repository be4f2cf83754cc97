package dev.ferry.agent.clock;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * How long after CRIU sets a restore's clock offsets the restored tasks should resume: the hold
 * a paused clock is set back by. Too short and paused clocks move forward by the overrun; too
 * long only costs downtime. CRIU restores memory in between, so the lag is a fixed part plus a
 * part per MiB of images; this node scales that model by the slowest of its recent restores, and
 * allows twice the prediction. The slowest, not the last: on one host the same 64 MiB restore took
 * 200 to 610 ms, so twice a fast one's lag is not enough for the next slow one.
 */
public final class ResumeBudget {
  // Before any restore on this node, so it must cover slow hosts: 64 MiB took 170-300 ms and 512 MiB 460 ms on
  // the 2-core hosts this was first measured on, and 64 MiB 200-610 ms on one with kernel 6.18.44 and cgroup v1
  // controllers (there a prior of 200 ms left paused clocks 13-79 ms forward). Too long only costs the first
  // restore's downtime; the node then learns its own.
  private static final double FIXED_NANOS = 350e6;
  private static final double NANOS_PER_MIB = 1e6;
  private static final Duration MIN = Duration.ofMillis(20);
  private static final Duration MAX = Duration.ofSeconds(20);
  /** Restores remembered: a slow one keeps the budget up for this many more, then the host's present speed counts. */
  static final int REMEMBERED = 8;

  /** Observed lag / predicted lag of the latest restores, oldest first. */
  private final Deque<Double> scales = new ArrayDeque<>();

  public synchronized Duration forImage(long imageBytes) {
    double scale = scales.stream().mapToDouble(Double::doubleValue).max().orElse(1.0);
    Duration budget = Duration.ofNanos((long) (2 * scale * predicted(imageBytes)));
    return budget.compareTo(MIN) < 0 ? MIN : budget.compareTo(MAX) > 0 ? MAX : budget;
  }

  /** A restore of {@code imageBytes} reached pre-resume {@code lag} after its offsets were set. */
  public synchronized void observe(long imageBytes, Duration lag) {
    if (lag.isPositive()) {
      if (scales.size() == REMEMBERED) {
        scales.removeFirst();
      }
      scales.addLast(lag.toNanos() / predicted(imageBytes));
    }
  }

  private static double predicted(long imageBytes) {
    return FIXED_NANOS + NANOS_PER_MIB * imageBytes / 1048576.0;
  }
}

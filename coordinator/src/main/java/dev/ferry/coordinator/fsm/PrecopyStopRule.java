package dev.ferry.coordinator.fsm;

import java.time.Duration;
import java.util.List;

/**
 * When to stop pre-copying and freeze. Stop when the final dump is estimated to fit the downtime
 * budget (dirty bytes of the last round / its measured throughput + a fixed freeze/restore cost),
 * when the dirty set grew by more than {@code growthLimit} (the workload dirties faster than we
 * copy, so more rounds only waste bandwidth), when it stopped shrinking (two rounds in a row each
 * less than {@code minShrink} smaller than the one before: the rounds copy the same memory again
 * and again), or at the round limit.
 */
public record PrecopyStopRule(Duration fixedCost, double growthLimit, double minShrink) {

  public static final PrecopyStopRule DEFAULT = new PrecopyStopRule(Duration.ofMillis(150), 0.10, 0.10);

  /** {@code converged}: the final dump fits the budget; a stop without it is a non-convergence. */
  public record StopDecision(boolean stop, boolean converged, String reason) {}

  public StopDecision decide(List<PrecopyRound> rounds, Duration budget, int maxRounds) {
    if (rounds.isEmpty()) {
      return new StopDecision(false, false, "no round taken yet");
    }
    PrecopyRound last = rounds.getLast();
    Duration estimate = estimateFinalDump(last);
    if (estimate.compareTo(budget) <= 0) {
      return new StopDecision(true, true, "estimated final dump " + estimate.toMillis() + " ms (" + last.dirtyBytes()
          + " dirty bytes at " + mibPerSecond(last) + " MiB/s + " + fixedCost.toMillis() + " ms) fits the "
          + budget.toMillis() + " ms budget");
    }
    if (rounds.size() >= 2) {
      PrecopyRound prev = rounds.get(rounds.size() - 2);
      if (last.dirtyBytes() > prev.dirtyBytes() * (1.0 + growthLimit)) {
        long pct = Math.round(100.0 * (last.dirtyBytes() - prev.dirtyBytes()) / Math.max(1, prev.dirtyBytes()));
        return new StopDecision(true, false, "dirty set grew " + pct + "% (" + prev.dirtyBytes() + " -> "
            + last.dirtyBytes() + " bytes) in round " + last.round() + ": not converging");
      }
    }
    if (rounds.size() >= 3) {
      PrecopyRound older = rounds.get(rounds.size() - 3);
      PrecopyRound prev = rounds.get(rounds.size() - 2);
      if (barelyShrank(older, prev) && barelyShrank(prev, last)) {
        return new StopDecision(true, false, "dirty set stopped shrinking (" + older.dirtyBytes() + " -> "
            + prev.dirtyBytes() + " -> " + last.dirtyBytes() + " bytes): more rounds will not converge (writes spread "
            + "over all its memory, or transparent huge pages: dirty memory is then tracked per 2 MiB page)");
      }
    }
    if (rounds.size() >= maxRounds) {
      return new StopDecision(true, false, "reached the limit of " + maxRounds + " rounds; estimated final dump "
          + estimate.toMillis() + " ms exceeds the " + budget.toMillis() + " ms budget");
    }
    return new StopDecision(false, false, "estimated final dump " + estimate.toMillis() + " ms exceeds the "
        + budget.toMillis() + " ms budget; another round");
  }

  /**
   * Neither shrank by {@code minShrink} nor grew past {@code growthLimit} (growth has its own rule),
   * at the same CPU throttle: while auto-converge tightens the throttle, its rounds get their chance.
   */
  private boolean barelyShrank(PrecopyRound before, PrecopyRound after) {
    return after.dirtyBytes() > before.dirtyBytes() * (1.0 - minShrink)
        && after.dirtyBytes() <= before.dirtyBytes() * (1.0 + growthLimit)
        && after.cpuThrottlePercent() == before.cpuThrottlePercent();
  }

  Duration estimateFinalDump(PrecopyRound last) {
    if (last.throughputBytesPerSecond() <= 0) {
      return Duration.ofDays(1);
    }
    long nanos = (long) (last.dirtyBytes() / last.throughputBytesPerSecond() * 1e9);
    return Duration.ofNanos(nanos).plus(fixedCost);
  }

  private static String mibPerSecond(PrecopyRound r) {
    return String.format("%.1f", r.throughputBytesPerSecond() / (1 << 20));
  }
}

package dev.ferry.transfer.send;

import java.util.Arrays;
import java.util.OptionalDouble;

/**
 * The raw throughput each rung of the ladder carried the last time it was used, in decision
 * periods, forgotten after a while (the link or the neighbours may have changed). It keeps the
 * controller from re-trying a level it has just seen lose, and from ratcheting up one small loss
 * at a time: a move is judged against the best level seen lately, not only the previous one.
 */
final class LevelMemory {
  private final double[] rate;
  private final long[] when;
  private final long forgetAfter;

  LevelMemory(int levels, long forgetAfterPeriods) {
    this.rate = new double[levels];
    this.when = new long[levels];
    this.forgetAfter = forgetAfterPeriods;
    Arrays.fill(when, Long.MIN_VALUE);
  }

  void remember(int index, long period, double rawRate) {
    rate[index] = rawRate;
    when[index] = period;
  }

  /** What {@code index} carried, if measured within the last {@code forgetAfter} periods. */
  OptionalDouble recall(int index, long period) {
    return when[index] != Long.MIN_VALUE && period - when[index] <= forgetAfter ? OptionalDouble.of(rate[index]) : OptionalDouble.empty();
  }

  /** The lower rung (below {@code index}) that carried the most lately, or -1 if none is remembered. */
  int bestBelow(int index, long period) {
    int best = -1;
    for (int i = 0; i < index; i++) {
      if (recall(i, period).isPresent() && (best < 0 || rate[i] > rate[best])) {
        best = i;
      }
    }
    return best;
  }
}

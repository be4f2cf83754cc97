package dev.ferry.coordinator.fsm;

import java.time.Duration;

/**
 * One pre-dump round as measured by the source agent.
 *
 * @param dirtyBytes bytes written by this round (round 1: all memory; later: pages dirtied since)
 * @param duration   dump plus stream to the target
 * @param throughputBytesPerSecond how fast this round's bytes reached the target
 * @param cpuThrottlePercent the container's CPU cap during the round (auto-converge); 0: none
 */
public record PrecopyRound(int round, long dirtyBytes, long pagesWritten, Duration duration,
    double throughputBytesPerSecond, int cpuThrottlePercent) {

  public PrecopyRound(int round, long dirtyBytes, long pagesWritten, Duration duration, double throughputBytesPerSecond) {
    this(round, dirtyBytes, pagesWritten, duration, throughputBytesPerSecond, 0);
  }

  /**
   * How fast the container dirtied memory, estimated from this round: its pages are the ones
   * written while the previous round was taken and streamed.
   */
  public double dirtyRateSince(PrecopyRound previous) {
    double seconds = previous.duration().toNanos() / 1e9;
    return seconds <= 0 ? 0 : dirtyBytes / seconds;
  }
}

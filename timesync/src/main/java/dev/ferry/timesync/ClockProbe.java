package dev.ferry.timesync;

import java.time.Duration;
import java.util.Comparator;
import java.util.List;

/**
 * NTP's estimate, best of N: the probe with the shortest round trip has the least room for
 * asymmetric delay, so its offset is trusted and half its round trip bounds the error.
 */
public final class ClockProbe {
  private ClockProbe() {}

  public static ClockOffset best(List<ProbeSample> samples) {
    if (samples.isEmpty()) {
      throw new IllegalArgumentException("no probe samples: at least one exchange is needed to estimate a clock offset");
    }
    ProbeSample best = samples.stream().min(Comparator.comparingLong(ProbeSample::roundTripNanos)).orElseThrow();
    long rtt = best.roundTripNanos();
    return new ClockOffset(Duration.ofNanos(best.realtimeOffsetNanos()), Duration.ofNanos(best.monotonicOffsetNanos()),
        Duration.ofNanos((rtt + 1) / 2), Duration.ofNanos(rtt), samples.size());
  }
}

package dev.ferry.timesync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class ClockProbeTest {
  // The responder's realtime is 250 ms ahead of the caller's; its monotonic clock booted 3 h later (behind).
  private static final long REAL_SKEW = 250_000_000L;
  private static final long MONO_SKEW = -3 * 3_600_000_000_000L;
  private static final long T0_REAL = 1_790_000_000_000_000_000L;
  private static final long T0_MONO = 50_000_000_000_000L;

  /** An exchange starting at caller time {@code start} (ns after T0) with the given one-way delays and processing. */
  private static ProbeSample exchange(long start, long out, long processing, long back) {
    long t1 = T0_REAL + start;
    long t2 = t1 + out + REAL_SKEW;
    long t3 = t2 + processing;
    long responderMono = T0_MONO + start + out + processing + MONO_SKEW;
    return new ProbeSample(t1, t2, t3, T0_MONO + start, responderMono, T0_MONO + start + out + processing + back);
  }

  @Test
  void aSymmetricExchangeMeasuresTheExactOffsets() {
    ProbeSample s = exchange(0, 400_000, 50_000, 400_000);

    assertThat(s.roundTripNanos()).isEqualTo(800_000);
    assertThat(s.realtimeOffsetNanos()).isEqualTo(REAL_SKEW);
    assertThat(s.monotonicOffsetNanos()).isEqualTo(MONO_SKEW);
  }

  @Test
  void theShortestRoundTripWinsAndItsHalfBoundsTheError() {
    List<ProbeSample> samples = List.of(
        exchange(0, 9_000_000, 10_000, 1_000_000),       // slow and very asymmetric
        exchange(20_000_000, 300_000, 10_000, 100_000),   // fastest, slightly asymmetric
        exchange(40_000_000, 2_000_000, 10_000, 2_000_000));

    ClockOffset best = ClockProbe.best(samples);

    assertThat(best.roundTrip()).isEqualTo(Duration.ofNanos(400_000));
    assertThat(best.errorBound()).isEqualTo(Duration.ofNanos(200_000));
    assertThat(best.probes()).isEqualTo(3);
    // Asymmetry shifts the estimate by (out - back) / 2 = 100 µs: inside the bound, as NTP promises.
    assertThat(best.realtime().toNanos()).isEqualTo(REAL_SKEW + 100_000);
    assertThat(Math.abs(best.realtime().toNanos() - REAL_SKEW)).isLessThanOrEqualTo(best.errorBound().toNanos());
    assertThat(Math.abs(best.monotonic().toNanos() - MONO_SKEW)).isLessThanOrEqualTo(best.errorBound().toNanos());
    assertThat(best.skew()).isEqualTo(best.realtime());
  }

  @Test
  void mapsInstantsBetweenTheTwoNodesClocks() {
    ClockOffset offset = ClockProbe.best(List.of(exchange(0, 100_000, 0, 100_000)));
    long callerMono = T0_MONO + 7_000_000_000L;

    assertThat(offset.callerMonotonicToResponder(callerMono)).isEqualTo(callerMono + MONO_SKEW);
    assertThat(offset.responderMonotonicToCaller(offset.callerMonotonicToResponder(callerMono))).isEqualTo(callerMono);
    Instant responderNow = Instant.ofEpochSecond(1_790_000_000L, REAL_SKEW);
    assertThat(offset.responderRealtimeToCaller(responderNow)).isEqualTo(Instant.ofEpochSecond(1_790_000_000L));
    assertThat(offset.inverse().realtime()).isEqualTo(Duration.ofNanos(-REAL_SKEW));
  }

  @Test
  void aRealtimeStepOnTheCallerDuringTheExchangeDoesNotMatter() {
    // t4 comes from the caller's monotonic clock, so only t1 is read from its realtime clock.
    ProbeSample s = exchange(0, 100_000, 0, 100_000);
    assertThat(s.t4()).isEqualTo(s.t1() + 200_000);
  }

  @Test
  void refusesNoSamplesAndImpossibleOnes() {
    assertThatThrownBy(() -> ClockProbe.best(List.of())).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no probe samples");
    assertThatThrownBy(() -> new ProbeSample(1, 10, 5, 0, 0, 100)).hasMessageContaining("replied before it received");
    assertThatThrownBy(() -> new ProbeSample(1, 10, 12, 100, 0, 50)).hasMessageContaining("arrived before the request left");
  }
}

package dev.ferry.coordinator.executor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.coordinator.fsm.Reason;
import dev.ferry.timesync.ClockOffset;
import dev.ferry.timesync.SkewGuard;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The pure decision: two offsets from the coordinator, one verdict between source and target. */
class ClockSkewCheckTest {
  private static final Duration BOUND = Duration.ofMillis(100);

  private static ClockOffset ahead(long millis) {
    return new ClockOffset(Duration.ofMillis(millis), Duration.ZERO, Duration.ofNanos(150_000), Duration.ofNanos(300_000), 8);
  }

  @Test
  void theCoordinatorsOwnSkewCancelsOut() {
    // Both nodes are 5 s ahead of the coordinator, 2 ms apart from each other.
    var outcome = new ClockSkewCheck(new SkewGuard(BOUND, SkewGuard.Mode.REFUSE))
        .decide("node-a", ahead(5_000), "node-b", ahead(5_002));

    assertThat(outcome).isInstanceOf(ClockSkewCheck.Outcome.Pass.class);
    assertThat(outcome.skew().realtime()).isEqualTo(Duration.ofMillis(2));
    assertThat(outcome.skew().errorBound()).isEqualTo(Duration.ofNanos(300_000));
    assertThat(outcome.skew().warning()).isEmpty();
  }

  @Test
  void aSkewAboveTheBoundIsRefusedWithTheSkewTheErrorAndTheBound() {
    var outcome = new ClockSkewCheck(new SkewGuard(BOUND, SkewGuard.Mode.REFUSE))
        .decide("node-a", ahead(40), "node-b", ahead(-210));

    assertThat(outcome).isInstanceOfSatisfying(ClockSkewCheck.Outcome.Refuse.class, r -> {
      assertThat(r.failure().reason()).isEqualTo(Reason.CLOCK_SKEW_TOO_LARGE);
      assertThat(r.failure().retryable()).isFalse();
      assertThat(r.failure().message()).contains("target node-b vs source node-a", "250.000 ms", "± 0.300 ms",
          "responder behind", "bound of 100.000 ms");
    });
    assertThat(outcome.skew().realtime()).isEqualTo(Duration.ofMillis(-250));
  }

  @Test
  void inWarnModeTheMigrationPassesWithTheWarningRecorded() {
    var outcome = new ClockSkewCheck(new SkewGuard(BOUND, SkewGuard.Mode.WARN))
        .decide("node-a", ahead(0), "node-b", ahead(250));

    assertThat(outcome).isInstanceOf(ClockSkewCheck.Outcome.Pass.class);
    assertThat(outcome.skew().warning()).contains("target node-b vs source node-a", "250.000 ms", "bound of 100.000 ms");
  }

  @Test
  void exactlyAtTheBoundPasses() {
    var outcome = new ClockSkewCheck(new SkewGuard(BOUND, SkewGuard.Mode.REFUSE))
        .decide("node-a", ahead(0), "node-b", ahead(-100));

    assertThat(outcome).isInstanceOf(ClockSkewCheck.Outcome.Pass.class);
    assertThat(outcome.skew().warning()).isEmpty();
  }
}

package dev.ferry.timesync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

class OffsetCorrectionTest {
  // CRIU read the clocks 300 ms after the freeze; the image is rewritten 3 s after the freeze;
  // the restore will take 100 ms to set the offsets and 250 ms more to resume the tasks.
  private static final ClockReading RECORDED = new ClockReading(Duration.ofSeconds(1000), Duration.ofSeconds(2000));
  private static final DumpedClocks DUMPED = new DumpedClocks(RECORDED, Duration.ofMillis(300));
  private static final Duration SINCE_FREEZE = Duration.ofSeconds(3);
  private static final RestoreLags LAGS = new RestoreLags(Duration.ofMillis(100), Duration.ofMillis(250));
  private static final Duration BLACKOUT = Duration.ofMillis(3350);

  @Test
  void suspendPausesMonotonicAndAdvancesBoottimeByTheBlackout() {
    ClockCorrection c = OffsetCorrection.compute(ClockPolicy.SUSPEND, DUMPED, SINCE_FREEZE, LAGS);

    assertThat(c.atFreeze()).isEqualTo(new ClockReading(Duration.ofMillis(999_700), Duration.ofMillis(1_999_700)));
    assertThat(c.image()).isEqualTo(new ClockReading(Duration.ofMillis(999_450), Duration.ofMillis(2_002_800)));
    assertThat(c.expectedBlackout()).isEqualTo(BLACKOUT);
    assertThat(c.expectedAtResume()).isEqualTo(new ClockReading(Duration.ofMillis(999_700), Duration.ofMillis(2_003_050)));
    assertThat(c.monotonicAdjustment(RECORDED)).isEqualTo(Duration.ofMillis(-550));
    assertThat(c.boottimeAdjustment(RECORDED)).isEqualTo(Duration.ofMillis(2800));
  }

  @Test
  void freezePausesBoth() {
    ClockCorrection c = OffsetCorrection.compute(ClockPolicy.FREEZE, DUMPED, SINCE_FREEZE, LAGS);

    assertThat(c.image()).isEqualTo(new ClockReading(Duration.ofMillis(999_450), Duration.ofMillis(1_999_450)));
    assertThat(c.expectedAtResume()).isEqualTo(c.atFreeze());
  }

  @Test
  void wallAdvancesBothByTheBlackout() {
    ClockCorrection c = OffsetCorrection.compute(ClockPolicy.WALL, DUMPED, SINCE_FREEZE, LAGS);

    assertThat(c.image()).isEqualTo(new ClockReading(Duration.ofMillis(1_002_800), Duration.ofMillis(2_002_800)));
    assertThat(c.expectedAtResume()).isEqualTo(c.atFreeze().plus(BLACKOUT));
  }

  /** Plays the restore: the clocks start at the image value at t_s and run for the real λ until resume. */
  @ParameterizedTest
  @EnumSource(ClockPolicy.class)
  void whenTheLagsAreAsExpectedTheContainerSeesExactlyThePolicy(ClockPolicy policy) {
    ClockCorrection c = OffsetCorrection.compute(policy, DUMPED, SINCE_FREEZE, LAGS);
    ClockReading atResume = c.image().plus(LAGS.untilResume());
    ClockReading jump = new ClockReading(atResume.monotonic().minus(c.atFreeze().monotonic()),
        atResume.boottime().minus(c.atFreeze().boottime()));

    assertThat(jump.monotonic()).isEqualTo(policy.monotonicAdvances() ? BLACKOUT : Duration.ZERO);
    assertThat(jump.boottime()).isEqualTo(policy.boottimeAdvances() ? BLACKOUT : Duration.ZERO);
  }

  @ParameterizedTest
  @EnumSource(ClockPolicy.class)
  void aSlowerRestoreThanExpectedMovesClocksForwardNeverBack(ClockPolicy policy) {
    ClockCorrection c = OffsetCorrection.compute(policy, DUMPED, SINCE_FREEZE, LAGS);
    ClockReading atResume = c.image().plus(LAGS.untilResume().plusMillis(40));

    assertThat(atResume.monotonic()).isGreaterThanOrEqualTo(c.atFreeze().monotonic());
    assertThat(atResume.boottime()).isGreaterThanOrEqualTo(c.atFreeze().boottime());
  }

  @Test
  void uncorrectedCriuLeaksTheRecordLagAndTheResumeLagIntoBothClocks() {
    // What CRIU alone does (V = R): the clocks run from the freeze to t_r, then again from t_s to t_u.
    ClockReading atResume = RECORDED.plus(LAGS.untilResume());
    assertThat(atResume.monotonic().minus(DUMPED.atFreeze().monotonic())).isEqualTo(Duration.ofMillis(550));
  }

  @Test
  void theResumeIsHeldOnlyWhenAClockMustPause() {
    assertThat(OffsetCorrection.resumeHold(ClockPolicy.SUSPEND, LAGS)).isEqualTo(Duration.ofMillis(250));
    assertThat(OffsetCorrection.resumeHold(ClockPolicy.FREEZE, LAGS)).isEqualTo(Duration.ofMillis(250));
    assertThat(OffsetCorrection.resumeHold(ClockPolicy.WALL, LAGS)).isEqualTo(Duration.ZERO);
  }

  @Test
  void refusesAFreezeThatWouldBeLaterThanTheRecord() {
    assertThatThrownBy(() -> OffsetCorrection.compute(ClockPolicy.SUSPEND, DUMPED, Duration.ofMillis(200), LAGS))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("freeze instant or the probed clock offset is wrong");
  }

  @Test
  void refusesLagsThatWouldMakeAClockNegative() {
    DumpedClocks young = new DumpedClocks(new ClockReading(Duration.ofMillis(100), Duration.ofMillis(100)), Duration.ZERO);
    assertThatThrownBy(() -> OffsetCorrection.compute(ClockPolicy.FREEZE, young, Duration.ofSeconds(1),
        new RestoreLags(Duration.ZERO, Duration.ofMillis(200))))
        .hasMessageContaining("would be negative");
  }

  @Test
  void refusesImpossibleInputs() {
    assertThatThrownBy(() -> new DumpedClocks(RECORDED, Duration.ofMillis(-1))).hasMessageContaining("cannot be negative");
    assertThatThrownBy(() -> new RestoreLags(Duration.ofMillis(-1), Duration.ZERO)).hasMessageContaining("cannot be negative");
  }
}

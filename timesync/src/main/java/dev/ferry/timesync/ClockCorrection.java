package dev.ferry.timesync;

import java.time.Duration;

/**
 * What {@link OffsetCorrection} decided.
 *
 * @param image            the clocks to write into the timens image before restore
 * @param atFreeze         the container's clocks when it was frozen
 * @param expectedAtResume the clocks the container should read when it runs again
 * @param expectedBlackout freeze to resume, as expected when the image was rewritten
 */
public record ClockCorrection(
    ClockPolicy policy, ClockReading image, ClockReading atFreeze, ClockReading expectedAtResume, Duration expectedBlackout) {

  /** How far the image moves each clock from what CRIU recorded (negative: set back). */
  public Duration monotonicAdjustment(ClockReading recorded) {
    return image.monotonic().minus(recorded.monotonic());
  }

  public Duration boottimeAdjustment(ClockReading recorded) {
    return image.boottime().minus(recorded.boottime());
  }
}

package dev.ferry.timesync;

import java.time.Duration;
import java.util.Objects;

/**
 * How long a restore on the target takes around the moment CRIU sets the container's clock
 * offsets, as expected before the restore starts (measured on earlier restores of this node,
 * see {@link CriuLogTimes}).
 *
 * @param untilOffsetsSet from rewriting the image to CRIU setting the namespace offsets
 *                        (crun and CRIU start-up; CRIU's {@code prepare_timens})
 * @param untilResume     from the offsets being set to the restored tasks running again: the
 *                        container's clocks already run but it cannot see them. Use a lower
 *                        bound: overestimating it would set a paused clock back by the excess.
 */
public record RestoreLags(Duration untilOffsetsSet, Duration untilResume) {
  public static final RestoreLags NONE = new RestoreLags(Duration.ZERO, Duration.ZERO);

  public RestoreLags {
    Objects.requireNonNull(untilOffsetsSet, "untilOffsetsSet");
    Objects.requireNonNull(untilResume, "untilResume");
    if (untilOffsetsSet.isNegative() || untilResume.isNegative()) {
      throw new IllegalArgumentException("restore lags cannot be negative: until offsets set " + untilOffsetsSet
          + ", until resume " + untilResume);
    }
  }
}

package dev.ferry.timesync;

import java.time.Duration;
import java.util.Objects;

/**
 * The container's clocks as a dump left them.
 *
 * @param recorded  what CRIU wrote into the timens image, read at instant t_r of the dump
 * @param recordLag t_r minus the freeze t_f: CRIU reads the clocks after dumping memory, and the
 *                  container's clocks kept running meanwhile (see {@link CriuLogTimes#recordLag})
 */
public record DumpedClocks(ClockReading recorded, Duration recordLag) {

  public DumpedClocks {
    Objects.requireNonNull(recorded, "recorded");
    Objects.requireNonNull(recordLag, "recordLag");
    if (recordLag.isNegative()) {
      throw new IllegalArgumentException("CRIU reads the clocks after the freeze, so the record lag cannot be negative: " + recordLag);
    }
    if (recordLag.compareTo(recorded.monotonic()) > 0) {
      throw new IllegalArgumentException("record lag " + recordLag + " exceeds the recorded monotonic clock " + recorded.monotonic());
    }
  }

  /** The container's clocks at the freeze: the last instant it could have read them. */
  public ClockReading atFreeze() {
    return recorded.minus(recordLag);
  }
}

package dev.ferry.coordinator.fsm;

import java.time.Duration;
import java.time.Instant;

/** Measurements collected along the way; zero/null until the step that measures them ran. */
public record MigrationStats(long bytesDone, long bytesRaw, long bytesOnWire, Duration restoreDuration,
    Instant resumedAt, Duration blackout, ClockJumps clockJumps, ClockSkew clockSkew) {

  public static final MigrationStats NONE = new MigrationStats(0, 0, 0, null, null, null, null, null);

  public MigrationStats withBytesDone(long bytes) {
    return new MigrationStats(bytes, bytesRaw, bytesOnWire, restoreDuration, resumedAt, blackout, clockJumps, clockSkew);
  }

  public MigrationStats withClockSkew(ClockSkew skew) {
    return new MigrationStats(bytesDone, bytesRaw, bytesOnWire, restoreDuration, resumedAt, blackout, clockJumps, skew);
  }
}

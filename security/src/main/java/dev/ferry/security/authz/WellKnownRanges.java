package dev.ferry.security.authz;

import com.google.protobuf.Duration;
import com.google.protobuf.Message;
import com.google.protobuf.Timestamp;
import java.util.Optional;

/**
 * The ranges google/protobuf/duration.proto and timestamp.proto document. Outside them a value
 * overflows java.time (an ArithmeticException or DateTimeException deep in a handler, reported
 * as INTERNAL) instead of being refused as the bad argument it is.
 */
final class WellKnownRanges {
  private static final long MAX_DURATION_SECONDS = 315_576_000_000L;
  private static final long MIN_TIMESTAMP_SECONDS = -62_135_596_800L; // 0001-01-01T00:00:00Z
  private static final long MAX_TIMESTAMP_SECONDS = 253_402_300_799L; // 9999-12-31T23:59:59Z
  private static final int MAX_NANOS = 999_999_999;

  private WellKnownRanges() {}

  static Optional<String> violation(Message m, String path) {
    if (m instanceof Duration d) {
      // Not the documented sign rule: Ferry's own mappers write -0.5 s as java.time does (-1 s + 500000000 ns).
      boolean inRange = Math.abs(d.getSeconds()) <= MAX_DURATION_SECONDS && Math.abs((long) d.getNanos()) <= MAX_NANOS;
      return inRange ? Optional.empty() : Optional.of(path + " is not a valid duration (" + d.getSeconds() + " s, " + d.getNanos()
          + " ns): at most " + MAX_DURATION_SECONDS + " s either way, nanos below one second");
    }
    if (m instanceof Timestamp t) {
      boolean inRange = t.getSeconds() >= MIN_TIMESTAMP_SECONDS && t.getSeconds() <= MAX_TIMESTAMP_SECONDS
          && t.getNanos() >= 0 && t.getNanos() <= MAX_NANOS;
      return inRange ? Optional.empty() : Optional.of(path + " is not a valid timestamp (" + t.getSeconds() + " s, " + t.getNanos()
          + " ns): years 1 to 9999, nanos in [0, " + MAX_NANOS + "]");
    }
    return Optional.empty();
  }
}

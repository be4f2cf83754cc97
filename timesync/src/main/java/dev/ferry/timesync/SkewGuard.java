package dev.ferry.timesync;

import java.time.Duration;
import java.util.Locale;
import java.util.Objects;

/**
 * Preflight's check of the wall-clock skew between source and target: CLOCK_REALTIME is not
 * namespaced, so a container that moves sees the target host's wall clock, and a large skew
 * would look to it like a wall-clock step. Above the bound the migration is refused, or only
 * warned about, by configuration.
 */
public final class SkewGuard {

  public enum Mode { REFUSE, WARN }

  /** What the guard concluded; in {@link Mode#REFUSE} an excessive skew throws instead. */
  public sealed interface Verdict {
    Duration skew();

    record Within(Duration skew, Duration bound) implements Verdict {}

    record Exceeded(Duration skew, Duration bound, String warning) implements Verdict {}
  }

  private final Duration bound;
  private final Mode mode;

  public SkewGuard(Duration bound, Mode mode) {
    Objects.requireNonNull(bound, "bound");
    Objects.requireNonNull(mode, "mode");
    if (bound.isNegative() || bound.isZero()) {
      throw new IllegalArgumentException("the clock skew bound must be positive, got " + bound);
    }
    this.bound = bound;
    this.mode = mode;
  }

  /**
   * @param measured the target's clocks relative to the source's (or the reverse: only the size counts)
   * @throws ClockSkewTooLargeException above the bound in {@link Mode#REFUSE}
   */
  public Verdict check(ClockOffset measured) {
    Duration skew = measured.skew();
    if (skew.compareTo(bound) <= 0) {
      return new Verdict.Within(skew, bound);
    }
    String message = String.format(Locale.ROOT,
        "wall-clock skew between source and target is %s (± %s, %s), above the bound of %s; "
            + "synchronise the nodes' clocks (NTP) or raise the bound",
        millis(skew), millis(measured.errorBound()), measured.realtime().isNegative() ? "responder behind" : "responder ahead", millis(bound));
    if (mode == Mode.REFUSE) {
      throw new ClockSkewTooLargeException(message, skew, bound);
    }
    return new Verdict.Exceeded(skew, bound, message);
  }

  static String millis(Duration d) {
    return String.format(Locale.ROOT, "%.3f ms", d.toNanos() / 1e6);
  }
}

package dev.ferry.timesync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class SkewGuardTest {
  private static final Duration BOUND = Duration.ofMillis(500);

  private static ClockOffset skewed(Duration realtime) {
    return new ClockOffset(realtime, Duration.ofHours(3), Duration.ofNanos(150_000), Duration.ofNanos(300_000), 8);
  }

  @Test
  void refusesAnInjectedSkewAboveTheBoundNamingSkewAndBound() {
    SkewGuard guard = new SkewGuard(BOUND, SkewGuard.Mode.REFUSE);

    assertThatThrownBy(() -> guard.check(skewed(Duration.ofMillis(-812))))
        .isInstanceOfSatisfying(ClockSkewTooLargeException.class, e -> {
          assertThat(e.reason()).isEqualTo("CLOCK_SKEW_TOO_LARGE");
          assertThat(e.skew()).isEqualTo(Duration.ofMillis(812));
          assertThat(e.bound()).isEqualTo(BOUND);
        })
        .hasMessageContaining("812.000 ms")
        .hasMessageContaining("± 0.150 ms")
        .hasMessageContaining("responder behind")
        .hasMessageContaining("bound of 500.000 ms");
  }

  @Test
  void warnsInsteadWhenConfiguredTo() {
    SkewGuard.Verdict v = new SkewGuard(BOUND, SkewGuard.Mode.WARN).check(skewed(Duration.ofMillis(812)));

    assertThat(v).isInstanceOfSatisfying(SkewGuard.Verdict.Exceeded.class,
        e -> assertThat(e.warning()).contains("812.000 ms", "responder ahead", "500.000 ms"));
  }

  @Test
  void letsASkewAtOrBelowTheBoundPass() {
    SkewGuard guard = new SkewGuard(BOUND, SkewGuard.Mode.REFUSE);

    assertThat(guard.check(skewed(BOUND))).isEqualTo(new SkewGuard.Verdict.Within(BOUND, BOUND));
    assertThat(guard.check(skewed(Duration.ofMillis(-3))).skew()).isEqualTo(Duration.ofMillis(3));
  }

  @Test
  void refusesANonsenseBound() {
    assertThatThrownBy(() -> new SkewGuard(Duration.ZERO, SkewGuard.Mode.WARN)).hasMessageContaining("must be positive");
  }
}

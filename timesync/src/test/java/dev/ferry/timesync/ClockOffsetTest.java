package dev.ferry.timesync;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ClockOffsetTest {

  @Test
  void twoRespondersProbedFromOneCallerRelateWithoutTheCallersClockAndWithBothErrorBounds() {
    // The caller is 40 ms behind the source and 290 ms behind the target: target - source = 250 ms.
    ClockOffset source = new ClockOffset(Duration.ofMillis(40), Duration.ofSeconds(7), Duration.ofMillis(1),
        Duration.ofMillis(2), 8);
    ClockOffset target = new ClockOffset(Duration.ofMillis(290), Duration.ofSeconds(-3), Duration.ofMillis(2),
        Duration.ofMillis(4), 6);

    ClockOffset between = target.relativeTo(source);

    assertThat(between.realtime()).isEqualTo(Duration.ofMillis(250));
    assertThat(between.monotonic()).isEqualTo(Duration.ofSeconds(-10));
    assertThat(between.errorBound()).isEqualTo(Duration.ofMillis(3));
    assertThat(between.roundTrip()).isEqualTo(Duration.ofMillis(6));
    assertThat(between.probes()).isEqualTo(6);
    assertThat(source.relativeTo(target).realtime()).isEqualTo(Duration.ofMillis(-250));
  }
}

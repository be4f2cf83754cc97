package dev.ferry.transfer.send;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ThrottleTest {
  private final AtomicLong now = new AtomicLong(1_000_000_000L);

  @Test
  void noCapNeverWaits() {
    Throttle throttle = new Throttle(0, now::get);
    assertThat(throttle.reserve(1L << 40)).isZero();
  }

  @Test
  void spacesSendsAtTheCap() {
    Throttle throttle = new Throttle(1_000_000, now::get); // 1 MB/s
    assertThat(throttle.reserve(500_000)).isZero();
    assertThat(throttle.reserve(500_000)).isEqualTo(500_000_000L);
    assertThat(throttle.reserve(1)).isEqualTo(1_000_000_000L);
  }

  @Test
  void creditsAtMostABurstOfIdleTime() {
    Throttle throttle = new Throttle(1_000_000, now::get);
    now.addAndGet(10_000_000_000L); // idle for 10 s
    // Only 50 ms of credit (50 KB) is kept: the next 1 MB waits 950 ms behind the first 50 KB.
    assertThat(throttle.reserve(1_000_000)).isZero();
    assertThat(throttle.reserve(1)).isEqualTo(950_000_000L);
  }

  @Test
  void averageRateOverManySendsIsTheCap() {
    Throttle throttle = new Throttle(10_000_000, now::get);
    long waited = 0;
    for (int i = 0; i < 100; i++) {
      long wait = throttle.reserve(100_000);
      now.addAndGet(wait);
      waited += wait;
    }
    // 10 MB at 10 MB/s: one second, less the burst credit and the last send's own time.
    assertThat(waited).isBetween(900_000_000L, 1_000_000_000L);
  }
}

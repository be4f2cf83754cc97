package dev.ferry.coordinator.testkit;

import java.time.Duration;

/** Every test timeout goes through here, scaled by {@code -Dferry.timeout.scale}. */
public final class Timing {
  private Timing() {}

  public static double scale() {
    return Double.parseDouble(System.getProperty("ferry.timeout.scale", "1"));
  }

  public static Duration scaled(Duration d) {
    return Duration.ofNanos((long) (d.toNanos() * scale()));
  }

  public static Duration seconds(long s) {
    return scaled(Duration.ofSeconds(s));
  }
}

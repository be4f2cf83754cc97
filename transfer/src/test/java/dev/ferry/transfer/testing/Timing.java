package dev.ferry.transfer.testing;

import java.time.Duration;

/** Test timeouts scaled by {@code -Dferry.timeout.scale} (the node-agent testkit's idea, copied). */
public final class Timing {
  private Timing() {}

  public static Duration seconds(long s) {
    double scale = Double.parseDouble(System.getProperty("ferry.timeout.scale", "1"));
    return Duration.ofMillis((long) (s * 1000 * scale));
  }
}

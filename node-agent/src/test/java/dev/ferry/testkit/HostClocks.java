package dev.ferry.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

/** The host's clocks, to compare with what a container in a time namespace sees. */
public final class HostClocks {
  private HostClocks() {}

  /** CLOCK_MONOTONIC: on Linux, System.nanoTime() reads it. */
  public static long monotonicNanos() {
    return System.nanoTime();
  }

  /** CLOCK_BOOTTIME, from /proc/uptime (10 ms resolution: enough to compare offsets). */
  public static long boottimeNanos() {
    try {
      String first = Files.readString(Path.of("/proc/uptime")).split(" ")[0];
      return (long) (Double.parseDouble(first) * 1e9);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The offset between a container clock and the host's, judged from one heartbeat: the host
   * clock at the heartbeat's realtime instant is the host clock now minus the realtime elapsed.
   */
  public static Duration offsetOf(long containerNanos, long heartbeatRealtimeNanos, long hostNowNanos) {
    Instant now = Instant.now();
    long realNow = now.getEpochSecond() * 1_000_000_000L + now.getNano();
    long hostAtBeat = hostNowNanos - (realNow - heartbeatRealtimeNanos);
    return Duration.ofNanos(containerNanos - hostAtBeat);
  }
}

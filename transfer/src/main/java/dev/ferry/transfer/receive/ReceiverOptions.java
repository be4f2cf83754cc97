package dev.ferry.transfer.receive;

import java.time.Duration;
import java.util.Objects;

/**
 * @param reserveBytes  free disk that must remain after the announced bytes are written
 * @param abandonAfter  a transfer with no open call for this long is deleted (its resume window)
 */
public record ReceiverOptions(long reserveBytes, Duration abandonAfter) {
  public ReceiverOptions {
    Objects.requireNonNull(abandonAfter, "abandonAfter");
    if (reserveBytes < 0) {
      throw new IllegalArgumentException("reserveBytes must be >= 0, was " + reserveBytes);
    }
  }

  public static ReceiverOptions defaults() {
    return new ReceiverOptions(64L << 20, Duration.ofMinutes(10));
  }
}

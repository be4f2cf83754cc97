package dev.ferry.transfer.send;

import dev.ferry.transfer.Ticker;

/**
 * A bandwidth cap shared by all streams of a transfer: each send reserves its bytes and learns
 * how long to wait first. Up to {@link #BURST_NANOS} of unused time is credited, so a short
 * pause does not lose the link.
 */
public final class Throttle {
  static final long BURST_NANOS = 50_000_000L;

  private final long bytesPerSecond;
  private final Ticker ticker;
  private long nextFreeNanos;

  /** @param bytesPerSecond the cap, 0 for none */
  public Throttle(long bytesPerSecond, Ticker ticker) {
    this.bytesPerSecond = bytesPerSecond;
    this.ticker = ticker;
    this.nextFreeNanos = ticker.nanos();
  }

  /** Nanoseconds the caller must wait before sending {@code bytes}. */
  public synchronized long reserve(long bytes) {
    if (bytesPerSecond == 0) {
      return 0;
    }
    long now = ticker.nanos();
    nextFreeNanos = Math.max(nextFreeNanos, now - BURST_NANOS);
    long wait = Math.max(0, nextFreeNanos - now);
    nextFreeNanos += (long) (bytes * 1e9 / bytesPerSecond);
    return wait;
  }

  /** Reserves and sleeps (virtual threads park cheaply). */
  public void acquire(long bytes) throws InterruptedException {
    long wait = reserve(bytes);
    if (wait > 0) {
      Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
    }
  }
}

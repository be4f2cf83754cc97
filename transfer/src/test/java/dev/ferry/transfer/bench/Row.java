package dev.ferry.transfer.bench;

import java.time.Duration;

/** One measured transfer: what moved where how, and what it cost. */
record Row(String data, String where, String method, Security security, long rawBytes, Duration wall, long wireBytes,
    double cpuSeconds, long peakHeap, String note) {

  boolean isBaseline() {
    return security == null;
  }

  double mbPerSecond() {
    return rawBytes / 1e6 / (wall.toNanos() / 1e9);
  }
}

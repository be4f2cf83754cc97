package dev.ferry.e2e.net;

import java.time.Duration;
import java.util.List;

/** Requests, failures and latency percentiles of a window of {@link HttpLoad} samples. */
public record LatencySummary(String window, long requests, long failed, Duration p50, Duration p99, Duration max) {

  /** The samples that started in [{@code fromNanos}, {@code toNanos}). */
  public static LatencySummary of(String window, List<HttpLoad.Sample> samples, long fromNanos, long toNanos) {
    List<HttpLoad.Sample> in = samples.stream().filter(s -> s.startNanos() >= fromNanos && s.startNanos() < toNanos).toList();
    long[] sorted = in.stream().mapToLong(HttpLoad.Sample::latencyNanos).sorted().toArray();
    return new LatencySummary(window, in.size(), in.stream().filter(s -> !s.ok()).count(),
        percentile(sorted, 0.50), percentile(sorted, 0.99), sorted.length == 0 ? Duration.ZERO : Duration.ofNanos(sorted[sorted.length - 1]));
  }

  /** Nearest-rank percentile. */
  static Duration percentile(long[] sorted, double q) {
    if (sorted.length == 0) {
      return Duration.ZERO;
    }
    int rank = (int) Math.ceil(q * sorted.length);
    return Duration.ofNanos(sorted[Math.max(0, rank - 1)]);
  }

  public static String header() {
    return String.format("%-22s %9s %7s %10s %10s %10s", "window", "requests", "failed", "p50", "p99", "max");
  }

  public String row() {
    return String.format("%-22s %9d %7d %7.1f ms %7.1f ms %7.1f ms", window, requests, failed, ms(p50), ms(p99), ms(max));
  }

  private static double ms(Duration d) {
    return d.toNanos() / 1e6;
  }
}

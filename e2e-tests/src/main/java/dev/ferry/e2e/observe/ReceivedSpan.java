package dev.ferry.e2e.observe;

import java.time.Duration;
import java.util.Map;

/** A span as a collector received it over OTLP, with the service that sent it. */
public record ReceivedSpan(String service, String traceId, String spanId, String parentSpanId, String name,
    long startNanos, long endNanos, Map<String, String> attributes) {

  public boolean isRoot() {
    return parentSpanId.isEmpty();
  }

  public Duration duration() {
    return Duration.ofNanos(endNanos - startNanos);
  }
}

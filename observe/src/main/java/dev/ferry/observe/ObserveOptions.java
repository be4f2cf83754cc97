package dev.ferry.observe;

import picocli.CommandLine.Option;

/** The flags every Ferry server shares for metrics, logs and traces (a picocli mixin). */
public final class ObserveOptions {
  @Option(names = "--metrics-listen", description = "host:port to serve Prometheus metrics on at /metrics "
      + "(none: no metrics endpoint).")
  String metricsListen;

  @Option(names = "--log-format", defaultValue = "human", description = "human or json: one JSON object per "
      + "line, with the migration, container and node fields (default: ${DEFAULT-VALUE}).")
  String logFormat = "human";

  @Option(names = "--otlp-endpoint", description = "OTLP/HTTP collector to export traces to, e.g. "
      + "http://127.0.0.1:4318 (none: tracing off).")
  String otlpEndpoint;

  /** Applies the log format at once, then starts the metrics endpoint and tracing. */
  public Observability start(String service) {
    LogFormat.parse(logFormat).apply();
    return Observability.start(service,
        metricsListen == null ? null : HostPort.parse("--metrics-listen", metricsListen), otlpEndpoint);
  }
}

package dev.ferry.observe;

import java.net.InetSocketAddress;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

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

  /** The command this mixin is part of, for usage errors; null when built without picocli. */
  @Spec(Spec.Target.MIXEE)
  CommandSpec spec;

  /**
   * Checks every flag first (a bad one is a usage error that names it, before anything starts),
   * then applies the log format and starts the metrics endpoint and tracing.
   */
  public Observability start(String service) {
    LogFormat format;
    InetSocketAddress metrics;
    Tracing tracing;
    try {
      format = LogFormat.parse(logFormat);
      metrics = metricsListen == null ? null : HostPort.parse("--metrics-listen", metricsListen);
      tracing = Tracing.fromFlag(service, otlpEndpoint);
    } catch (IllegalArgumentException e) {
      throw spec == null ? e : new ParameterException(spec.commandLine(), e.getMessage());
    }
    format.apply();
    return Observability.start(service, metrics, tracing);
  }
}

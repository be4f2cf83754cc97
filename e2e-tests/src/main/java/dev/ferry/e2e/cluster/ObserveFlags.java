package dev.ferry.e2e.cluster;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Observability flags for a cluster's processes: metrics served by each on {@code metricsPort}
 * (the coordinator on the host's bridge address, each agent on its node's address), and traces
 * exported over OTLP to the endpoint {@code otlpAt} gives for the host's bridge address (agents
 * reach the host there from their namespaces); {@code logFormat} ({@code human}, {@code json}, or
 * null for the default) for every process's log.
 */
public record ObserveFlags(int metricsPort, Function<String, String> otlpAt, String logFormat) {
  public static final ObserveFlags NONE = new ObserveFlags(0, null, null);

  List<String> args(String listenHost, String bridgeAddress) {
    List<String> args = new ArrayList<>();
    if (metricsPort > 0) {
      args.addAll(List.of("--metrics-listen", listenHost + ":" + metricsPort));
    }
    if (otlpAt != null) {
      args.addAll(List.of("--otlp-endpoint", otlpAt.apply(bridgeAddress)));
    }
    if (logFormat != null) {
      args.addAll(List.of("--log-format", logFormat));
    }
    return args;
  }
}

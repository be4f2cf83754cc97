package dev.ferry.observe;

import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.InetSocketAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One process's metrics registry (served at /metrics when asked) and tracing. The components
 * record into {@link #registry()} and trace with {@link #tracing()}; nothing else is global.
 */
public final class Observability implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Observability.class);

  private final PrometheusMeterRegistry registry;
  private final Tracing tracing;
  private final MetricsServer server;

  private Observability(PrometheusMeterRegistry registry, Tracing tracing, MetricsServer server) {
    this.registry = registry;
    this.tracing = tracing;
    this.server = server;
  }

  /**
   * @param metrics where to serve /metrics, or null for none (metrics are still recorded)
   * @param otlpEndpoint where to export traces, or null for none
   */
  public static Observability start(String service, InetSocketAddress metrics, String otlpEndpoint) {
    return start(service, metrics, Tracing.fromFlag(service, otlpEndpoint));
  }

  public static Observability start(String service, InetSocketAddress metrics, Tracing tracing) {
    routeJulToSlf4j();
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    registry.config().commonTags("service", service);
    new JvmMemoryMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    MetricsServer server = null;
    if (metrics != null) {
      server = MetricsServer.start(metrics, registry);
      log.info("metrics at http://{}:{}/metrics", server.address().getHostString(), server.address().getPort());
    }
    return new Observability(registry, tracing, server);
  }

  /** OpenTelemetry's exporters report failures through java.util.logging: into Ferry's log, in its format. */
  private static synchronized void routeJulToSlf4j() {
    if (!org.slf4j.bridge.SLF4JBridgeHandler.isInstalled()) {
      org.slf4j.bridge.SLF4JBridgeHandler.removeHandlersForRootLogger();
      org.slf4j.bridge.SLF4JBridgeHandler.install();
    }
  }

  /** Records, serves nothing, traces nothing: for embedding and tests. */
  public static Observability none(String service) {
    return start(service, null, Tracing.off());
  }

  public PrometheusMeterRegistry registry() {
    return registry;
  }

  public io.opentelemetry.api.OpenTelemetry openTelemetry() {
    return tracing.openTelemetry();
  }

  public Tracing tracing() {
    return tracing;
  }

  /** The bound metrics address, or null when not served. */
  public InetSocketAddress metricsAddress() {
    return server == null ? null : server.address();
  }

  @Override
  public void close() {
    if (server != null) {
      server.close();
    }
    tracing.close();
    registry.close();
  }
}

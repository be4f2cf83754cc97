package dev.ferry.observe;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.SpanProcessor;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.net.URI;
import java.time.Duration;

/**
 * A process's OpenTelemetry: W3C trace context propagation always, spans exported only where an
 * exporter is configured (OTLP over HTTP, or a test's in-memory exporter). Off by default: without
 * an exporter, spans are never sampled, so the instrumented code costs next to nothing.
 */
public final class Tracing implements AutoCloseable {
  /** Instrumentation scope of every Ferry span. */
  public static final String SCOPE = "dev.ferry";

  private final OpenTelemetry openTelemetry;
  private final SdkTracerProvider provider;

  private Tracing(OpenTelemetry openTelemetry, SdkTracerProvider provider) {
    this.openTelemetry = openTelemetry;
    this.provider = provider;
  }

  /** No export: the API works, nothing is recorded. */
  public static Tracing off() {
    return new Tracing(OpenTelemetry.propagating(ContextPropagators.create(W3CTraceContextPropagator.getInstance())),
        null);
  }

  /**
   * OTLP/HTTP (protobuf) to {@code endpoint} ({@code http://collector:4318}; {@code /v1/traces} is
   * appended unless given), batched: a span reaches the collector within a second of ending.
   */
  public static Tracing otlp(String service, String endpoint) {
    URI uri;
    try {
      uri = URI.create(endpoint);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("--otlp-endpoint is not a URL: '" + endpoint + "'");
    }
    if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme())) {
      throw new IllegalArgumentException("--otlp-endpoint must be an http:// or https:// URL, was '" + endpoint + "'");
    }
    String url = endpoint.endsWith("/v1/traces") ? endpoint : endpoint.replaceAll("/+$", "") + "/v1/traces";
    SpanExporter exporter = OtlpHttpSpanExporter.builder().setEndpoint(url).setTimeout(Duration.ofSeconds(5)).build();
    return with(service, BatchSpanProcessor.builder(exporter).setScheduleDelay(Duration.ofSeconds(1)).build());
  }

  /** Every ended span goes straight to {@code exporter} (tests: the SDK's InMemorySpanExporter). */
  public static Tracing exportingTo(String service, SpanExporter exporter) {
    return with(service, SimpleSpanProcessor.create(exporter));
  }

  /** From the flags: OTLP when an endpoint is given, else off. */
  public static Tracing fromFlag(String service, String otlpEndpoint) {
    return otlpEndpoint == null || otlpEndpoint.isBlank() ? off() : otlp(service, otlpEndpoint);
  }

  private static Tracing with(String service, SpanProcessor processor) {
    SdkTracerProvider provider = SdkTracerProvider.builder()
        .setResource(Resource.getDefault().merge(Resource.create(Attributes.of(
            io.opentelemetry.api.common.AttributeKey.stringKey("service.name"), service))))
        .addSpanProcessor(processor)
        .build();
    OpenTelemetry otel = OpenTelemetrySdk.builder().setTracerProvider(provider)
        .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance())).build();
    return new Tracing(otel, provider);
  }

  public OpenTelemetry openTelemetry() {
    return openTelemetry;
  }

  public Tracer tracer() {
    return openTelemetry.getTracer(SCOPE);
  }

  /** Exports what is buffered and stops. */
  @Override
  public void close() {
    if (provider != null) {
      provider.forceFlush().join(5, java.util.concurrent.TimeUnit.SECONDS);
      provider.shutdown().join(5, java.util.concurrent.TimeUnit.SECONDS);
    }
  }
}

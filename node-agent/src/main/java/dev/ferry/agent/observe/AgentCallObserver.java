package dev.ferry.agent.observe;

import dev.ferry.observe.grpc.MetadataCarrier;
import dev.ferry.proto.v1.TransferProgress;
import io.grpc.ForwardingServerCall;
import io.grpc.ForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import java.time.Duration;
import org.slf4j.MDC;

/**
 * One place for everything the agent reports about a call: its span (child of the caller's, from
 * the W3C trace context in the metadata), its log fields (migration, container, node: from the
 * request's MigrationContext) and its metrics.
 */
public final class AgentCallObserver implements ServerInterceptor {
  private static final AttributeKey<String> MIGRATION = AttributeKey.stringKey("ferry.migration.id");
  private static final AttributeKey<String> CONTAINER = AttributeKey.stringKey("ferry.container.id");
  private static final AttributeKey<String> NODE = AttributeKey.stringKey("ferry.node");

  private final String node;
  private final OpenTelemetry otel;
  private final AgentMetrics metrics;

  public AgentCallObserver(String node, OpenTelemetry otel, AgentMetrics metrics) {
    this.node = node;
    this.otel = otel;
    this.metrics = metrics;
  }

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
      ServerCallHandler<Q, R> next) {
    String method = call.getMethodDescriptor().getFullMethodName();
    Context parent = otel.getPropagators().getTextMapPropagator().extract(Context.root(), headers,
        MetadataCarrier.INSTANCE);
    Span span = otel.getTracer(dev.ferry.observe.Tracing.SCOPE).spanBuilder(method).setParent(parent)
        .setSpanKind(SpanKind.SERVER).setAttribute(NODE, node).startSpan();
    long started = System.nanoTime();
    Observed<Q, R> observed = new Observed<>(call, span, method, started);
    ServerCall.Listener<Q> listener;
    try (Scope scope = Context.current().with(span).makeCurrent()) {
      listener = next.startCall(observed, headers);
    }
    return new ForwardingServerCallListener.SimpleForwardingServerCallListener<>(listener) {
      private CallFields fields = CallFields.NONE;

      @Override
      public void onMessage(Q message) {
        if (fields == CallFields.NONE) {
          fields = CallFields.of(message);
          if (!fields.migrationId().isEmpty()) {
            span.setAttribute(MIGRATION, fields.migrationId());
          }
          if (!fields.containerId().isEmpty()) {
            span.setAttribute(CONTAINER, fields.containerId());
          }
        }
        within(() -> super.onMessage(message));
      }

      @Override
      public void onHalfClose() {
        within(super::onHalfClose);
      }

      @Override
      public void onCancel() {
        within(super::onCancel);
      }

      @Override
      public void onComplete() {
        within(super::onComplete);
      }

      /** The handler's work runs here: with the span current and the log fields set. */
      private void within(Runnable r) {
        try (Scope scope = Context.current().with(span).makeCurrent()) {
          put("migration", fields.migrationId());
          put("container", fields.containerId());
          MDC.put("node", node);
          if (span.getSpanContext().isValid()) {
            MDC.put("trace_id", span.getSpanContext().getTraceId());
          }
          r.run();
        } finally {
          MDC.remove("migration");
          MDC.remove("container");
          MDC.remove("node");
          MDC.remove("trace_id");
        }
      }
    };
  }

  private static void put(String key, String value) {
    if (!value.isEmpty()) {
      MDC.put(key, value);
    }
  }

  /** Sees the answers: ends the span and records the metrics when the call closes. */
  private final class Observed<Q, R> extends ForwardingServerCall.SimpleForwardingServerCall<Q, R> {
    private final Span span;
    private final String method;
    private final long started;
    private TransferProgress lastProgress;

    Observed(ServerCall<Q, R> call, Span span, String method, long started) {
      super(call);
      this.span = span;
      this.method = method;
      this.started = started;
    }

    @Override
    public void sendMessage(R message) {
      if (message instanceof TransferProgress p) {
        lastProgress = p;
      }
      super.sendMessage(message);
    }

    @Override
    public void close(Status status, Metadata trailers) {
      try {
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        metrics.called(method, status.getCode().name(), took);
        if (status.isOk() && AgentMetrics.SENDS.contains(method) && lastProgress != null) {
          metrics.transferred(lastProgress, took);
          span.setAttribute("ferry.bytes.raw", lastProgress.getBytesRaw());
          span.setAttribute("ferry.bytes.wire", lastProgress.getBytesOnWire());
        }
        if (!status.isOk()) {
          span.setStatus(StatusCode.ERROR, status.getCode() + ": " + status.getDescription());
        }
        span.setAttribute("rpc.grpc.status_code", status.getCode().value());
        span.end();
      } finally {
        super.close(status, trailers);
      }
    }
  }
}

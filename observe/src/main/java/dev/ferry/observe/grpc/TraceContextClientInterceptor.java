package dev.ferry.observe.grpc;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ForwardingClientCall;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.context.Context;

/**
 * Carries the caller's current trace context (the migration phase's span on the coordinator) to
 * the callee in the call's metadata, so the agent's spans join the migration's trace.
 */
public final class TraceContextClientInterceptor implements ClientInterceptor {
  private final OpenTelemetry otel;

  public TraceContextClientInterceptor(OpenTelemetry otel) {
    this.otel = otel;
  }

  @Override
  public <Q, R> ClientCall<Q, R> interceptCall(MethodDescriptor<Q, R> method, CallOptions options, Channel next) {
    Context context = Context.current();
    return new ForwardingClientCall.SimpleForwardingClientCall<>(next.newCall(method, options)) {
      @Override
      public void start(Listener<R> listener, Metadata headers) {
        otel.getPropagators().getTextMapPropagator().inject(context, headers, MetadataCarrier.INSTANCE);
        super.start(listener, headers);
      }
    };
  }
}

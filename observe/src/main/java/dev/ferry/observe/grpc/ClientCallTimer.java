package dev.ferry.observe.grpc;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ForwardingClientCall;
import io.grpc.ForwardingClientCallListener;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * Times every call on a channel into one timer tagged by method and status code (e.g. the
 * coordinator's etcd requests: {@code ferry_etcd_request_seconds{method="etcdserverpb.KV/Txn",code="OK"}}).
 */
public final class ClientCallTimer implements ClientInterceptor {
  private final MeterRegistry registry;
  private final String name;
  private final String description;

  public ClientCallTimer(MeterRegistry registry, String name, String description) {
    this.registry = registry;
    this.name = name;
    this.description = description;
  }

  @Override
  public <Q, R> ClientCall<Q, R> interceptCall(MethodDescriptor<Q, R> method, CallOptions options, Channel next) {
    return new ForwardingClientCall.SimpleForwardingClientCall<>(next.newCall(method, options)) {
      @Override
      public void start(Listener<R> listener, Metadata headers) {
        Timer.Sample sample = Timer.start(registry);
        super.start(new ForwardingClientCallListener.SimpleForwardingClientCallListener<>(listener) {
          @Override
          public void onClose(Status status, Metadata trailers) {
            // Watches and lease keep-alives are long-lived streams, not requests: only unary calls are timed.
            if (method.getType() == MethodDescriptor.MethodType.UNARY) {
              sample.stop(Timer.builder(name).description(description)
                  .tag("method", method.getFullMethodName()).tag("code", status.getCode().name())
                  .publishPercentileHistogram().register(registry));
            }
            super.onClose(status, trailers);
          }
        }, headers);
      }
    };
  }
}

package dev.ferry.coordinator.observe;

import dev.ferry.coordinator.service.CoordinatorRuntime;
import dev.ferry.observe.Observability;
import dev.ferry.observe.grpc.ClientCallTimer;
import dev.ferry.observe.grpc.TraceContextClientInterceptor;
import io.grpc.ClientInterceptor;
import java.util.List;

/** The coordinator's side of metrics and traces, assembled once from the process's {@link Observability}. */
public final class CoordinatorObservability {
  private final Observability observability;
  private final MigrationObserver observer;

  public CoordinatorObservability(Observability observability) {
    this.observability = observability;
    this.observer = MigrationObserver.all(List.of(new MigrationMetrics(observability.registry()),
        new MigrationTraces(observability.tracing().tracer())));
  }

  /** Metrics and traces of every migration this coordinator drives. */
  public MigrationObserver migrations() {
    return observer;
  }

  /** On the etcd client: latency of every etcd request. */
  public ClientInterceptor etcdTiming() {
    return new ClientCallTimer(observability.registry(), "ferry_etcd_request",
        "Latency of the coordinator's etcd requests by method and status");
  }

  /** On every agent channel: the migration's trace context travels with each command. */
  public List<ClientInterceptor> agentInterceptors() {
    return List.of(new TraceContextClientInterceptor(observability.openTelemetry()));
  }

  /** Gauges that read the running coordinator: leadership, queue. */
  public void bind(CoordinatorRuntime runtime) {
    CoordinatorGauges.bind(observability.registry(), runtime.leadership(), runtime.dispatcher());
  }
}

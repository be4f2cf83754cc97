package dev.ferry.agent.observe;

import dev.ferry.agent.AgentSteps;
import dev.ferry.observe.Observability;
import io.grpc.ServerInterceptor;
import org.slf4j.LoggerFactory;

/** The agent's side of metrics, traces and log fields, assembled once from the process's {@link Observability}. */
public final class AgentObservability {
  private AgentObservability() {}

  /** The interceptor for the agent's gRPC server; also registers its container gauge and fencing counter. */
  public static ServerInterceptor interceptor(Observability o, AgentSteps steps) {
    var metrics = new AgentMetrics(o.registry(), () -> countContainers(steps), steps.epochs()::refused);
    return new AgentCallObserver(steps.node(), o.openTelemetry(), metrics);
  }

  private static int countContainers(AgentSteps steps) {
    try {
      return steps.containers().list().size();
    } catch (RuntimeException e) {
      LoggerFactory.getLogger(AgentObservability.class).debug("cannot count containers: {}", e.toString());
      return -1;
    }
  }
}

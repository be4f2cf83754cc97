package dev.ferry.coordinator.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.observe.Tracing;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

/**
 * Agent calls run on their own thread (for the time limit); the caller's trace context and log
 * fields must go with them, or the agent's spans start traces of their own (seen in e2e).
 */
class AgentCallContextTest {
  private final AgentCallPolicy policy = new AgentCallPolicy(AgentCallPolicy.Settings.DEFAULT);

  @Test
  void theCallRunsInTheCallersSpanAndLogFields() {
    try (Tracing tracing = Tracing.exportingTo("test", InMemorySpanExporter.create())) {
      Span phase = tracing.tracer().spanBuilder("freeze_and_dump").startSpan();
      MDC.put("migration", "m-9");
      try (Scope s = phase.makeCurrent()) {
        String seen = policy.call("node-a", "Dump", false, Duration.ofSeconds(5),
            () -> Span.current().getSpanContext().getSpanId() + " " + MDC.get("migration"));
        assertThat(seen).isEqualTo(phase.getSpanContext().getSpanId() + " m-9");
      } finally {
        MDC.remove("migration");
        phase.end();
      }
    }
  }
}

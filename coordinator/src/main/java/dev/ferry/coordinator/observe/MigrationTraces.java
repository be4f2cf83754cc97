package dev.ferry.coordinator.observe;

import dev.ferry.coordinator.fsm.Migration;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.MDC;

/**
 * One trace per migration: a root span {@code migration} from its request to its end, and a
 * child span per phase. While a phase's commands run, its span is the current context, so the
 * gRPC client interceptor carries it to the agents and their steps become its children.
 * A coordinator that recovers a migration starts a new trace for the rest of it.
 */
public final class MigrationTraces implements MigrationObserver {
  static final AttributeKey<String> MIGRATION = AttributeKey.stringKey("ferry.migration.id");
  static final AttributeKey<String> CONTAINER = AttributeKey.stringKey("ferry.container.id");
  static final AttributeKey<String> SOURCE = AttributeKey.stringKey("ferry.node.source");
  static final AttributeKey<String> TARGET = AttributeKey.stringKey("ferry.node.target");
  static final AttributeKey<String> STRATEGY = AttributeKey.stringKey("ferry.strategy");
  static final AttributeKey<String> REASON = AttributeKey.stringKey("ferry.reason");

  private final Tracer tracer;
  private final Map<String, Trace> traces = new ConcurrentHashMap<>();

  /** A migration's open spans: the root, and the phase it is in. */
  private static final class Trace {
    final Span root;
    Span phase;
    Migration phaseOf;

    Trace(Span root) {
      this.root = root;
    }
  }

  public MigrationTraces(Tracer tracer) {
    this.tracer = tracer;
  }

  @Override
  public void changed(Migration before, Migration after) {
    Trace t = trace(before);
    if (!PhaseNames.samePhase(t.phaseOf.phase(), after.phase())) {
      t.phase.end(after.updatedAt());
      if (!after.phase().terminal()) {
        openPhase(t, after);
      }
    }
    if (after.phase().terminal()) {
      end(t, after);
    }
  }

  @Override
  public void abandoned(Migration last) {
    Trace t = traces.remove(last.id());
    if (t != null) {
      t.phase.setStatus(StatusCode.ERROR, "this coordinator stopped driving it");
      t.phase.end();
      t.root.setStatus(StatusCode.ERROR, "this coordinator stopped driving it");
      t.root.end();
    }
  }

  @Override
  public StepScope step(Migration current) {
    Trace t = trace(current);
    Scope scope = Context.current().with(t.phase).makeCurrent();
    MDC.put("trace_id", t.root.getSpanContext().getTraceId());
    return () -> {
      MDC.remove("trace_id");
      scope.close();
    };
  }

  private Trace trace(Migration m) {
    return traces.computeIfAbsent(m.id(), id -> {
      var builder = tracer.spanBuilder("migration").setNoParent().setAttribute(MIGRATION, id)
          .setAttribute(CONTAINER, m.containerId()).setAttribute(SOURCE, m.sourceNode());
      if (m.createdAt() != null) {
        builder.setStartTimestamp(m.createdAt());
      }
      Trace t = new Trace(builder.startSpan());
      openPhase(t, m);
      return t;
    });
  }

  private void openPhase(Trace t, Migration m) {
    t.phaseOf = m;
    t.phase = tracer.spanBuilder(PhaseNames.label(m.phase())).setParent(Context.root().with(t.root))
        .setAttribute(MIGRATION, m.id()).setStartTimestamp(m.updatedAt()).startSpan();
    if (!m.targetNode().isEmpty()) {
      t.root.setAttribute(TARGET, m.targetNode());
    }
  }

  private void end(Trace t, Migration m) {
    traces.remove(m.id());
    t.root.setAttribute(TARGET, m.targetNode()).setAttribute(STRATEGY, PhaseNames.strategy(m));
    if (m.failure() != null) {
      t.root.setAttribute(REASON, PhaseNames.reason(m)).setStatus(StatusCode.ERROR, m.failure().message());
    }
    t.root.setAttribute(AttributeKey.stringKey("ferry.result"), PhaseNames.result(m));
    t.root.end(m.updatedAt());
  }
}

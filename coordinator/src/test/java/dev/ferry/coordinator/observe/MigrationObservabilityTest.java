package dev.ferry.coordinator.observe;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.coordinator.agent.AgentClient;
import dev.ferry.coordinator.agent.Agents;
import dev.ferry.coordinator.executor.CommandRunner;
import dev.ferry.coordinator.executor.MigrationDriver;
import dev.ferry.coordinator.fsm.Event;
import dev.ferry.coordinator.fsm.Failure;
import dev.ferry.coordinator.fsm.Migration;
import dev.ferry.coordinator.fsm.MigrationMachine;
import dev.ferry.coordinator.fsm.MigrationSpec;
import dev.ferry.coordinator.fsm.Reason;
import dev.ferry.coordinator.fsm.StrategyChooser;
import dev.ferry.coordinator.leader.Leadership;
import dev.ferry.coordinator.store.InMemoryMigrationStore;
import dev.ferry.coordinator.store.Versioned;
import dev.ferry.coordinator.testkit.FakeAgents;
import dev.ferry.observe.Observability;
import dev.ferry.observe.Tracing;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

/**
 * The coordinator's metrics, spans and log fields from a driven migration (fake agents, real
 * driver, real Micrometer and OpenTelemetry SDK). The agent side and the wire are covered with a
 * real migration by e2e-tests' ObservabilityIT.
 */
class MigrationObservabilityTest {
  private final InMemoryMigrationStore store = new InMemoryMigrationStore();
  private final MigrationMachine machine = MigrationMachine.defaults();
  private final FakeAgents agents = new FakeAgents().node("node-a").node("node-b").container("node-a", "ct42");
  private final InMemorySpanExporter spans = InMemorySpanExporter.create();
  private final Observability obs = Observability.start("ferry-coordinator", null,
      Tracing.exportingTo("ferry-coordinator", spans));
  private final CoordinatorObservability observed = new CoordinatorObservability(obs);
  /** For every agent call: its method, the span current on the calling thread, and the MDC. */
  private final List<String> callContext = new CopyOnWriteArrayList<>();

  @AfterEach
  void close() {
    obs.close();
  }

  private final Agents seen = new Agents() {
    @Override
    public AgentClient of(String node) {
      AgentClient real = agents.of(node);
      return (AgentClient) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {AgentClient.class},
          (proxy, method, args) -> {
            callContext.add(method.getName() + " span=" + Span.current().getSpanContext().getSpanId()
                + " mdc=" + MDC.get("migration") + "/" + MDC.get("container") + "/" + MDC.get("source") + "/"
                + MDC.get("target"));
            try {
              return method.invoke(real, args);
            } catch (InvocationTargetException e) {
              throw e.getCause();
            }
          });
    }

    @Override
    public String address(String node) {
      return agents.address(node);
    }
  };

  private Migration drive(String id) {
    Versioned<Migration> v = store.create(Migration.queued(id, MigrationSpec.of("ct42", "node-a", "node-b"),
        Instant.now()));
    store.update(v, machine.transition(v.value(), new Event.Admitted("node-b", ""), Instant.now()).next());
    List<Migration> finished = new CopyOnWriteArrayList<>();
    new MigrationDriver(id, store, machine, new CommandRunner(seen, StrategyChooser.DEFAULT),
        Leadership.fixed(1, "me"), InstantSource.system(), x -> null, finished::add, observed.migrations()).run();
    assertThat(finished).hasSize(1);
    return finished.getFirst();
  }

  @Test
  void aDoneMigrationIsCountedTimedAndMeasured() {
    Migration m = drive("m-1");
    String scrape = obs.registry().scrape();

    assertThat(scrape).contains("ferry_migrations_total{reason=\"none\",result=\"done\",service=\"ferry-coordinator\","
        + "strategy=\"stopcopy\"} 1.0");
    assertThat(scrape).contains("ferry_migration_blackout_seconds_count{service=\"ferry-coordinator\"} 1");
    assertThat(scrape).contains("ferry_migration_duration_seconds_count{result=\"done\",service=\"ferry-coordinator\"} 1");
    assertThat(scrape).contains("ferry_migration_transfer_bytes_total{kind=\"raw\",service=\"ferry-coordinator\"} "
        + (double) m.stats().bytesRaw());
    assertThat(scrape).contains("ferry_migration_transfer_bytes_total{kind=\"wire\",service=\"ferry-coordinator\"} "
        + (double) m.stats().bytesOnWire());
    for (String phase : List.of("planned", "preflight", "prepare_target", "freeze_and_dump", "transfer", "restore",
        "verify", "commit")) {
      assertThat(scrape).contains("ferry_migration_phase_seconds_count{phase=\"" + phase
          + "\",service=\"ferry-coordinator\"} 1");
    }
    assertThat(scrape).contains("ferry_migration_precopy_rounds_count{service=\"ferry-coordinator\"} 1");
    // Finished: nothing in flight on either node any more.
    assertThat(scrape).contains("ferry_migrations_in_flight{node=\"node-a\",role=\"source\",service=\"ferry-coordinator\"} 0.0");
    assertThat(scrape).contains("ferry_migrations_in_flight{node=\"node-b\",role=\"target\",service=\"ferry-coordinator\"} 0.0");
  }

  @Test
  void aRolledBackMigrationIsCountedWithItsReasonCode() {
    agents.fail("node-a", "Dump", new Failure.StepRejected(Reason.CRIU_DUMP_FAILED, "node-a", "criu dump failed", ""));
    Migration m = drive("m-2");

    assertThat(m.phase().label()).isEqualTo("RolledBack");
    assertThat(obs.registry().scrape()).contains("ferry_migrations_total{reason=\"CRIU_DUMP_FAILED\","
        + "result=\"rolled_back\",service=\"ferry-coordinator\",strategy=\"stopcopy\"} 1.0");
  }

  @Test
  void oneTracePerMigrationWithASpanPerPhaseAndAgentCallsInsideTheirPhase() {
    drive("m-3");
    List<SpanData> all = spans.getFinishedSpanItems();
    SpanData root = all.stream().filter(s -> s.getName().equals("migration")).findFirst().orElseThrow();

    assertThat(all).extracting(SpanData::getTraceId).containsOnly(root.getTraceId());
    assertThat(root.getParentSpanId()).isEqualTo(io.opentelemetry.api.trace.SpanId.getInvalid());
    assertThat(root.getAttributes().get(MigrationTraces.CONTAINER)).isEqualTo("ct42");
    assertThat(root.getAttributes().get(MigrationTraces.TARGET)).isEqualTo("node-b");
    List<SpanData> phases = all.stream().filter(s -> s != root).toList();
    assertThat(phases).extracting(SpanData::getParentSpanId).containsOnly(root.getSpanId());
    assertThat(phases).extracting(SpanData::getName).containsExactly("planned", "preflight", "prepare_target",
        "freeze_and_dump", "transfer", "restore", "verify", "commit");
    assertThat(phases).allSatisfy(p -> assertThat(p.getEndEpochNanos()).isGreaterThanOrEqualTo(p.getStartEpochNanos()));

    // Each agent call ran with its phase's span current (what the gRPC interceptor propagates) and the MDC set.
    var spanIdByName = phases.stream().collect(Collectors.toMap(SpanData::getName, SpanData::getSpanId));
    assertThat(callContext).contains("dump span=" + spanIdByName.get("freeze_and_dump") + " mdc=m-3/ct42/node-a/node-b");
    assertThat(callContext).contains("restore span=" + spanIdByName.get("restore") + " mdc=m-3/ct42/node-a/node-b");
    assertThat(callContext).contains("finalizeSource span=" + spanIdByName.get("commit") + " mdc=m-3/ct42/node-a/node-b");
  }
}

package dev.ferry.coordinator.observe;

import dev.ferry.coordinator.fsm.Migration;
import dev.ferry.coordinator.fsm.Phase;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The coordinator's migration metrics, derived only from the versions its drivers persist:
 * outcomes, blackout, total and per-phase durations, bytes, pre-copy rounds, and what is in
 * flight on each node.
 */
public final class MigrationMetrics implements MigrationObserver {
  /** Buckets for blackouts and phases: 10 ms to 2 min, what a migration's steps take. */
  private static final Duration MIN = Duration.ofMillis(10);
  private static final Duration MAX = Duration.ofMinutes(2);

  private final MeterRegistry registry;
  private final Counter bytesRaw;
  private final Counter bytesOnWire;
  private final Timer blackout;
  private final DistributionSummary rounds;
  /** Migration id → its two nodes, while this coordinator drives it. */
  private final Map<String, Ends> inFlight = new ConcurrentHashMap<>();
  private final Set<String> gaugedNodes = ConcurrentHashMap.newKeySet();

  private record Ends(String source, String target) {}

  public MigrationMetrics(MeterRegistry registry) {
    this.registry = registry;
    this.bytesRaw = Counter.builder("ferry_migration_transfer_bytes").baseUnit("bytes").tag("kind", "raw")
        .description("Image and rootfs bytes moved by finished migrations, before compression").register(registry);
    this.bytesOnWire = Counter.builder("ferry_migration_transfer_bytes").baseUnit("bytes").tag("kind", "wire")
        .description("Bytes finished migrations sent on the wire, after compression").register(registry);
    this.blackout = Timer.builder("ferry_migration_blackout").description("How long the container was frozen "
        + "(source freeze to target resume)").publishPercentileHistogram().minimumExpectedValue(MIN)
        .maximumExpectedValue(MAX).register(registry);
    this.rounds = DistributionSummary.builder("ferry_migration_precopy_rounds").description("Pre-copy rounds "
        + "per finished migration (0 without pre-copy)").register(registry);
    Gauge.builder("ferry_migrations_driving", inFlight, Map::size)
        .description("Migrations this coordinator is driving").strongReference(true).register(registry);
  }

  @Override
  public void changed(Migration before, Migration after) {
    if (!PhaseNames.samePhase(before.phase(), after.phase())) {
      PhaseNames.timeInPhase(before, after.updatedAt()).ifPresent(d -> Timer.builder("ferry_migration_phase")
          .description("Time spent in each phase").tag("phase", PhaseNames.label(before.phase()))
          .publishPercentileHistogram().minimumExpectedValue(MIN).maximumExpectedValue(MAX)
          .register(registry).record(d));
    }
    if (after.phase().terminal()) {
      if (!before.phase().terminal()) {
        finished(after);
      }
      inFlight.remove(after.id());
    } else if (!(after.phase() instanceof Phase.Queued) && !after.targetNode().isEmpty()) {
      inFlight.put(after.id(), new Ends(after.sourceNode(), after.targetNode()));
      gauge(after.sourceNode());
      gauge(after.targetNode());
    }
  }

  @Override
  public void abandoned(Migration last) {
    inFlight.remove(last.id());
  }

  private void finished(Migration m) {
    Counter.builder("ferry_migrations").description("Finished migrations by result, reason code and strategy")
        .tag("result", PhaseNames.result(m)).tag("reason", PhaseNames.reason(m)).tag("strategy", PhaseNames.strategy(m))
        .register(registry).increment();
    if (m.stats().blackout() != null) {
      blackout.record(m.stats().blackout());
    }
    if (m.createdAt() != null && m.updatedAt() != null) {
      Timer.builder("ferry_migration_duration").description("From request to the end, queue included")
          .tag("result", PhaseNames.result(m)).publishPercentileHistogram().minimumExpectedValue(MIN)
          .maximumExpectedValue(Duration.ofMinutes(30)).register(registry)
          .record(Duration.between(m.createdAt(), m.updatedAt()));
    }
    bytesRaw.increment(m.stats().bytesRaw());
    bytesOnWire.increment(m.stats().bytesOnWire());
    rounds.record(m.rounds().size());
  }

  /** One gauge per node and role, registered the first time the node takes part. */
  private void gauge(String node) {
    if (gaugedNodes.add(node)) {
      Gauge.builder("ferry_migrations_in_flight", inFlight, m -> m.values().stream()
              .filter(e -> e.source().equals(node)).count())
          .description("Migrations in flight per node and role").tags("node", node, "role", "source").strongReference(true).register(registry);
      Gauge.builder("ferry_migrations_in_flight", inFlight, m -> m.values().stream()
              .filter(e -> e.target().equals(node)).count())
          .description("Migrations in flight per node and role").tags("node", node, "role", "target").strongReference(true).register(registry);
    }
  }
}

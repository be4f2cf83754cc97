package dev.ferry.coordinator.observe;

import dev.ferry.coordinator.leader.Leadership;
import dev.ferry.coordinator.service.Dispatcher;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

/** Gauges read at scrape time: leadership and the queue. */
public final class CoordinatorGauges {
  private CoordinatorGauges() {}

  public static void bind(MeterRegistry registry, Leadership leadership, Dispatcher dispatcher) {
    Gauge.builder("ferry_coordinator_leader", leadership, l -> l.isLeader() ? 1 : 0)
        .description("1 while this coordinator leads (drives migrations), else 0").strongReference(true).register(registry);
    Gauge.builder("ferry_coordinator_epoch", leadership, CoordinatorGauges::epoch)
        .description("The leader's epoch (etcd election revision), 0 when not leading").strongReference(true).register(registry);
    Gauge.builder("ferry_migrations_queued", dispatcher, d -> d.queued().size())
        .description("Migrations waiting for a scheduler slot").strongReference(true).register(registry);
  }

  private static double epoch(Leadership l) {
    try {
      return l.isLeader() ? l.epoch() : 0;
    } catch (RuntimeException e) {
      return 0; // lost between the two calls
    }
  }
}

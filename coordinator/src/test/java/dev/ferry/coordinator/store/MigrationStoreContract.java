package dev.ferry.coordinator.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ferry.coordinator.fsm.Event;
import dev.ferry.coordinator.fsm.Failure;
import dev.ferry.coordinator.fsm.Migration;
import dev.ferry.coordinator.fsm.MigrationMachine;
import dev.ferry.coordinator.fsm.MigrationSpec;
import dev.ferry.coordinator.fsm.PrecopyRound;
import dev.ferry.coordinator.fsm.Strategy;
import dev.ferry.coordinator.fsm.StrategyChoice;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** What every MigrationStore must do; run against the in-memory store and against real etcd. */
abstract class MigrationStoreContract {
  static final Instant T0 = Instant.parse("2025-01-01T00:00:00Z");
  final MigrationMachine machine = MigrationMachine.defaults();

  abstract MigrationStore store();

  static Migration queued(String id, String container) {
    return Migration.queued(id, MigrationSpec.of(container, "node-a", "node-b").withStrategy(Strategy.PRECOPY), T0);
  }

  @Test
  void createdRecordsReadBackEqualWithTheirRevision() {
    Versioned<Migration> created = store().create(queued("m-1", "ct1"));
    assertThat(store().get("m-1")).hasValueSatisfying(v -> {
      assertThat(v.value()).isEqualTo(created.value());
      assertThat(v.modRevision()).isEqualTo(created.modRevision());
    });
    assertThat(store().get("nope")).isEmpty();
    assertThat(store().lockHolder("ct1")).contains("m-1");
  }

  @Test
  void aRecordWithHistoryRoundTripsExactly() {
    Versioned<Migration> v = store().create(queued("m-2", "ct2"));
    Migration m = v.value();
    for (Event e : new Event[] {new Event.Admitted("node-b", "most free memory"), new Event.Started(),
        new Event.PreflightPassed("caps", new StrategyChoice(Strategy.PRECOPY, "dirty tracking")),
        new Event.TargetPrepared("img-t", "tok"),
        new Event.RoundDumped(new PrecopyRound(1, 1 << 30, 9, Duration.ofMillis(900), 1.5e8)),
        new Event.StepFailed(new Failure.Unreachable(dev.ferry.coordinator.fsm.Reason.SOURCE_UNREACHABLE,
            "node-a", "connection refused"))}) {
      m = machine.transition(m, e, T0.plusSeconds(3)).next();
      v = store().update(v, m);
    }
    assertThat(store().get("m-2").orElseThrow().value()).isEqualTo(m);
  }

  @Test
  void aSecondMigrationOfTheSameContainerNamesTheRunningOne() {
    store().create(queued("m-3", "ct3"));
    assertThatThrownBy(() -> store().create(queued("m-4", "ct3")))
        .isInstanceOfSatisfying(ContainerBusyException.class, e -> {
          assertThat(e.runningMigrationId()).isEqualTo("m-3");
          assertThat(e).hasMessage("container ct3 is already being migrated by migration m-3");
        });
    assertThat(store().get("m-4")).isEmpty();
  }

  @Test
  void aStaleWriteIsAConflictNotAnOverwrite() {
    Versioned<Migration> v1 = store().create(queued("m-5", "ct5"));
    Migration admitted = machine.transition(v1.value(), new Event.Admitted("node-b", ""), T0).next();
    Versioned<Migration> v2 = store().update(v1, admitted);
    assertThat(v2.modRevision()).isGreaterThan(v1.modRevision());
    Migration cancelled = machine.transition(v1.value(), new Event.CancelRequested("late"), T0).next();
    assertThatThrownBy(() -> store().update(v1, cancelled)).isInstanceOf(ConflictException.class)
        .hasMessageContaining("/ferry/v1/migrations/m-5 changed since revision " + v1.modRevision());
    assertThat(store().get("m-5").orElseThrow().value()).isEqualTo(admitted);
  }

  @Test
  void aTerminalWriteReleasesTheContainerLock() {
    Versioned<Migration> v = store().create(queued("m-6", "ct6"));
    store().update(v, machine.transition(v.value(), new Event.CancelRequested("no"), T0).next());
    assertThat(store().lockHolder("ct6")).isEmpty();
    store().create(queued("m-7", "ct6"));
    assertThat(store().lockHolder("ct6")).contains("m-7");
    assertThat(store().list()).extracting(x -> x.value().id()).containsExactlyInAnyOrder("m-6", "m-7");
  }

  @Test
  void reusingAnIdIsAConflict() {
    Versioned<Migration> v = store().create(queued("m-8", "ct8"));
    store().update(v, machine.transition(v.value(), new Event.CancelRequested("no"), T0).next());
    assertThatThrownBy(() -> store().create(queued("m-8", "ct9"))).isInstanceOf(ConflictException.class);
    assertThat(store().lockHolder("ct9")).isEmpty();
  }
}

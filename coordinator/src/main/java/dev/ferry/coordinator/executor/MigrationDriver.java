package dev.ferry.coordinator.executor;

import dev.ferry.coordinator.agent.AgentClient.MigrationRef;
import dev.ferry.coordinator.fsm.Decision;
import dev.ferry.coordinator.fsm.Event;
import dev.ferry.coordinator.fsm.Migration;
import dev.ferry.coordinator.fsm.MigrationMachine;
import dev.ferry.coordinator.fsm.Recovery;
import dev.ferry.coordinator.fsm.Transitions;
import dev.ferry.coordinator.leader.Leadership;
import dev.ferry.coordinator.leader.NotLeaderException;
import dev.ferry.coordinator.observe.MdcFields;
import dev.ferry.coordinator.observe.MigrationObserver;
import dev.ferry.coordinator.store.ConflictException;
import dev.ferry.coordinator.store.MigrationStore;
import dev.ferry.coordinator.store.StoreUnavailableException;
import dev.ferry.coordinator.store.Versioned;
import java.time.Duration;
import java.time.InstantSource;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Drives one migration to a terminal phase on its own virtual thread. Write-ahead: every decision
 * is persisted before its commands run, so whoever drives next (this coordinator after a crash,
 * or another leader) can recover from the record alone. Stops as soon as leadership is lost or
 * another coordinator wrote the record.
 */
public final class MigrationDriver implements Runnable {
  private static final Logger log = LoggerFactory.getLogger(MigrationDriver.class);
  private static final Duration PROGRESS_EVERY = Duration.ofSeconds(1);

  private final String migrationId;
  private final MigrationStore store;
  private final MigrationMachine machine;
  private final CommandRunner runner;
  private final Leadership leadership;
  private final InstantSource clock;
  private final Function<String, String> pendingCancel;
  private final Consumer<Migration> onFinished;
  private final MigrationObserver observer;
  private final Recovery recovery;
  private Versioned<Migration> current;
  private long lastProgressNanos;

  public MigrationDriver(String migrationId, MigrationStore store, MigrationMachine machine, CommandRunner runner,
      Leadership leadership, InstantSource clock, Function<String, String> pendingCancel,
      Consumer<Migration> onFinished) {
    this(migrationId, store, machine, runner, leadership, clock, pendingCancel, onFinished, MigrationObserver.NONE);
  }

  /** @param observer told of every persisted version (metrics, traces); see {@link MigrationObserver} */
  public MigrationDriver(String migrationId, MigrationStore store, MigrationMachine machine, CommandRunner runner,
      Leadership leadership, InstantSource clock, Function<String, String> pendingCancel,
      Consumer<Migration> onFinished, MigrationObserver observer) {
    this(migrationId, store, machine, runner, leadership, clock, pendingCancel, onFinished, observer,
        Recovery.DEFAULT_HOLD_LIMIT);
  }

  /** @param holdLimit see {@link Recovery}: how long a Transfer may wait for a leader before it rolls back */
  public MigrationDriver(String migrationId, MigrationStore store, MigrationMachine machine, CommandRunner runner,
      Leadership leadership, InstantSource clock, Function<String, String> pendingCancel,
      Consumer<Migration> onFinished, MigrationObserver observer, Duration holdLimit) {
    this.recovery = new Recovery(machine, holdLimit);
    this.observer = observer;
    this.migrationId = migrationId;
    this.store = store;
    this.machine = machine;
    this.runner = runner;
    this.leadership = leadership;
    this.clock = clock;
    this.pendingCancel = pendingCancel;
    this.onFinished = onFinished;
  }

  @Override
  public void run() {
    MDC.put(MdcFields.MIGRATION, migrationId);
    try {
      current = store.get(migrationId).orElseThrow(() -> new IllegalStateException("no record " + migrationId));
      MdcFields.put(current.value());
      Decision d = recovery.resume(current.value(), clock.instant());
      persist(d.next());
      while (!current.value().phase().terminal()) {
        long epoch = leadership.epoch();
        Event e = cancelRequested();
        if (e == null) {
          if (d.commands().isEmpty()) {
            log.warn("migration {} waits in {} with nothing to run", migrationId, current.value().phase().label());
            return;
          }
          sleep(d.delay());
          try (var step = observer.step(current.value())) {
            e = runner.run(d.commands(), new MigrationRef(migrationId, epoch), this::progress);
          }
          if (Thread.interrupted()) {
            // Told to stop (leadership lost) while the step ran: what came back is no outcome to record.
            throw new NotLeaderException("");
          }
        }
        d = machine.transition(current.value(), e, clock.instant());
        persist(d.next());
        log.info("migration {} -> {} ({})", migrationId, current.value().phase().label(), e.label());
      }
      onFinished.accept(current.value());
    } catch (NotLeaderException | dev.ferry.coordinator.store.FenceLostException e) {
      log.warn("migration {}: stopped driving, leadership lost", migrationId);
      abandoned();
    } catch (ConflictException e) {
      log.warn("migration {}: record changed under us, another coordinator drives it: {}", migrationId,
          e.getMessage());
      abandoned();
    } catch (RuntimeException e) {
      log.error("migration {}: driver failed; recovery will pick it up", migrationId, e);
      abandoned();
    } finally {
      MdcFields.clear();
    }
  }

  private void abandoned() {
    if (current != null) {
      observer.abandoned(current.value());
    }
  }

  private Event cancelRequested() {
    String reason = pendingCancel.apply(migrationId);
    if (reason == null) {
      return null;
    }
    Event cancel = new Event.CancelRequested(reason);
    return Transitions.accepts(current.value().phase(), cancel) ? cancel : null;
  }

  /**
   * Transfer progress: applied to the record, persisted at most once a second, best effort. It
   * starts nothing, so it need not be written first: while etcd is unavailable it is skipped
   * rather than stalling the stream (the bytes keep flowing; the next step waits for etcd).
   */
  private void progress(Event e) {
    Decision d = machine.transition(current.value(), e, clock.instant());
    long now = System.nanoTime();
    if (now - lastProgressNanos >= PROGRESS_EVERY.toNanos()) {
      lastProgressNanos = now;
      leadership.epoch();
      try {
        Migration before = current.value();
        current = store.update(current, d.next());
        observer.changed(before, d.next());
      } catch (StoreUnavailableException unavailable) {
        log.debug("migration {}: progress not recorded, etcd unavailable: {}", migrationId, unavailable.getMessage());
      }
    }
  }

  /** Write-ahead: retry while etcd is briefly unavailable, give up the moment leadership is gone. */
  private void persist(Migration next) {
    if (next.equals(current.value())) {
      return;
    }
    Duration backoff = Duration.ofMillis(100);
    long since = System.nanoTime();
    while (true) {
      leadership.epoch();
      try {
        Migration before = current.value();
        current = store.update(current, next);
        MdcFields.put(next);
        observer.changed(before, next);
        long held = System.nanoTime() - since;
        if (held > Duration.ofSeconds(1).toNanos()) {
          log.info("migration {}: held {} ms in {} until etcd took the next step ({})", migrationId,
              held / 1_000_000, before.phase().label(), next.phase().label());
        }
        return;
      } catch (StoreUnavailableException e) {
        log.warn("migration {}: cannot persist {} yet: {}", migrationId, next.phase().label(), e.getMessage());
        sleep(backoff);
        backoff = backoff.multipliedBy(2).compareTo(Duration.ofSeconds(2)) > 0 ? Duration.ofSeconds(2)
            : backoff.multipliedBy(2);
      }
    }
  }

  private static void sleep(Duration d) {
    if (d.isZero()) {
      return;
    }
    try {
      Thread.sleep(d);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new NotLeaderException("");
    }
  }
}

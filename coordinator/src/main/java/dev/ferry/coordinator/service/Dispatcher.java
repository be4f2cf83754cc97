package dev.ferry.coordinator.service;

import dev.ferry.coordinator.executor.CommandRunner;
import dev.ferry.coordinator.executor.MigrationDriver;
import dev.ferry.coordinator.fsm.Event;
import dev.ferry.coordinator.fsm.Migration;
import dev.ferry.coordinator.fsm.MigrationMachine;
import dev.ferry.coordinator.fsm.Phase;
import dev.ferry.coordinator.leader.LeaderElection;
import dev.ferry.coordinator.leader.Leadership;
import dev.ferry.coordinator.observe.MigrationObserver;
import dev.ferry.coordinator.placement.NoTargetException;
import dev.ferry.coordinator.placement.Placer;
import dev.ferry.coordinator.placement.PlacementRequest;
import dev.ferry.coordinator.registry.ContainerEntry;
import dev.ferry.coordinator.registry.Node;
import dev.ferry.coordinator.registry.NodeRegistry;
import dev.ferry.coordinator.schedule.Pending;
import dev.ferry.coordinator.schedule.Running;
import dev.ferry.coordinator.schedule.Scheduler;
import dev.ferry.coordinator.store.ConflictException;
import dev.ferry.coordinator.store.MigrationStore;
import dev.ferry.coordinator.store.Versioned;
import java.time.InstantSource;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The leader's engine: admits queued migrations within the limits, gives each admitted one a
 * driver thread, and on election reloads every in-flight record from the store (recovery).
 * Followers run none of this.
 */
public final class Dispatcher implements LeaderElection.Listener, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Dispatcher.class);

  private final MigrationStore store;
  private final NodeRegistry registry;
  private final MigrationMachine machine;
  private final CommandRunner runner;
  private final Leadership leadership;
  private final InstantSource clock;
  private final Scheduler scheduler;
  private final MigrationObserver observer;
  private final java.time.Duration holdLimit;
  private final Placer placer = new Placer();
  private final Map<String, Thread> drivers = new ConcurrentHashMap<>();
  private final Map<String, String> cancels = new ConcurrentHashMap<>();
  private final LinkedBlockingQueue<Boolean> poke = new LinkedBlockingQueue<>();
  private final AtomicLong sequence = new AtomicLong();
  private final Thread loop;
  private volatile boolean closed;

  public Dispatcher(MigrationStore store, NodeRegistry registry, MigrationMachine machine, CommandRunner runner,
      Leadership leadership, InstantSource clock, CoordinatorConfig config) {
    this(store, registry, machine, runner, leadership, clock, config, MigrationObserver.NONE);
  }

  public Dispatcher(MigrationStore store, NodeRegistry registry, MigrationMachine machine, CommandRunner runner,
      Leadership leadership, InstantSource clock, CoordinatorConfig config, MigrationObserver observer) {
    this.observer = observer;
    this.holdLimit = config.holdLimit();
    this.store = store;
    this.registry = registry;
    this.machine = machine;
    this.runner = runner;
    this.leadership = leadership;
    this.clock = clock;
    this.scheduler = new Scheduler(config.limits());
    this.loop = Thread.ofVirtual().name("dispatcher").start(() -> {
      while (!closed) {
        try {
          poke.poll(config.scheduleEvery().toMillis(), TimeUnit.MILLISECONDS);
          poke.clear();
          schedule();
        } catch (InterruptedException e) {
          return;
        } catch (RuntimeException e) {
          log.warn("scheduling pass failed: {}", e.getMessage());
        }
      }
    });
  }

  public void enqueue(Migration m) {
    scheduler.enqueue(new Pending(m.id(), m.spec().priority(), sequence.incrementAndGet(), m.sourceNode(),
        m.spec().requestedTarget()));
    poke.offer(true);
  }

  /** Queued: rolled back at once. Running: its driver applies the cancel at the next step boundary. */
  public void cancel(Versioned<Migration> v, String reason) {
    if (v.value().phase() instanceof Phase.Queued) {
      scheduler.remove(v.value().id());
      store.update(v, machine.transition(v.value(), new Event.CancelRequested(reason), clock.instant()).next());
      return;
    }
    cancels.put(v.value().id(), reason);
  }

  public List<Pending> queued() {
    return scheduler.pending();
  }

  @Override
  public void elected(long epoch) {
    log.info("leading with epoch {}: recovering in-flight migrations", epoch);
    for (Versioned<Migration> v : store.list()) {
      Migration m = v.value();
      if (m.phase() instanceof Phase.Queued) {
        enqueue(m);
      } else if (!m.phase().terminal()) {
        drive(m.id());
      }
    }
    poke.offer(true);
  }

  @Override
  public void lost(String why) {
    // Interrupt drivers so none issues another command; the next leader recovers from etcd.
    drivers.values().forEach(Thread::interrupt);
    drivers.clear();
    for (Pending p : scheduler.pending()) {
      scheduler.remove(p.migrationId());
    }
  }

  synchronized void schedule() {
    if (!leadership.isLeader()) {
      return;
    }
    List<Versioned<Migration>> all = store.list();
    List<Running> running = all.stream().map(Versioned::value)
        .filter(m -> !m.phase().terminal() && !(m.phase() instanceof Phase.Queued))
        .map(m -> new Running(m.id(), m.sourceNode(), m.targetNode())).toList();
    Map<String, Integer> inbound = new HashMap<>();
    running.forEach(r -> inbound.merge(r.target(), 1, Integer::sum));
    Map<String, String> reasons = new HashMap<>();
    List<Node> nodes = registry.nodes();
    var admitted = scheduler.admit(running, p -> place(p, nodes, inbound, reasons));
    for (var a : admitted) {
      admit(a.pending().migrationId(), a.target(), reasons.getOrDefault(a.pending().migrationId(),
          "requested by the caller"));
    }
  }

  private Optional<String> place(Pending p, List<Node> nodes, Map<String, Integer> inbound,
      Map<String, String> reasons) {
    Optional<Versioned<Migration>> v = store.get(p.migrationId());
    if (v.isEmpty()) {
      return Optional.empty();
    }
    long memory = registry.container(v.get().value().containerId()).map(ContainerEntry::rssBytes).orElse(0L);
    try {
      var placement = placer.place(new PlacementRequest(v.get().value().containerId(), p.source(), memory, 0),
          nodes, inbound);
      reasons.put(p.migrationId(), placement.reason());
      return Optional.of(placement.node());
    } catch (NoTargetException e) {
      log.info("migration {} waits: {}", p.migrationId(), e.getMessage());
      return Optional.empty();
    }
  }

  private void admit(String id, String target, String reason) {
    try {
      Versioned<Migration> v = store.get(id).orElseThrow();
      if (!(v.value().phase() instanceof Phase.Queued)) {
        return;
      }
      store.update(v, machine.transition(v.value(), new Event.Admitted(target, reason), clock.instant()).next());
      drive(id);
    } catch (ConflictException e) {
      log.warn("migration {} changed while admitting it; it is picked up again on the next pass", id);
    }
  }

  private void drive(String id) {
    drivers.compute(id, (k, existing) -> existing != null && existing.isAlive() ? existing
        : Thread.ofVirtual().name("migration-" + id).start(new MigrationDriver(id, store, machine, runner,
            leadership, clock, cancels::remove, this::finished, observer, holdLimit)));
  }

  private void finished(Migration m) {
    drivers.remove(m.id());
    if (m.phase() instanceof Phase.Done) {
      try {
        registry.moveContainer(m.containerId(), m.targetNode());
      } catch (RuntimeException e) {
        log.warn("migration {} done, but the inventory still shows {} on {}: {}", m.id(), m.containerId(),
            m.sourceNode(), e.getMessage());
      }
    }
    poke.offer(true);
  }

  /** Waits for every driver to finish (tests). */
  public void awaitIdle(java.time.Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    for (Thread t : List.copyOf(drivers.values())) {
      t.join(java.time.Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
    }
  }

  @Override
  public void close() {
    closed = true;
    loop.interrupt();
    drivers.values().forEach(Thread::interrupt);
  }
}

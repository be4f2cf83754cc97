package dev.ferry.coordinator.service;

import dev.ferry.coordinator.fsm.ClockPolicy;
import dev.ferry.coordinator.fsm.Failure;
import dev.ferry.coordinator.fsm.Migration;
import dev.ferry.coordinator.fsm.NonConvergence;
import dev.ferry.coordinator.fsm.MigrationSpec;
import dev.ferry.coordinator.fsm.Phase;
import dev.ferry.coordinator.fsm.Reason;
import dev.ferry.coordinator.fsm.Strategy;
import dev.ferry.coordinator.leader.Leadership;
import dev.ferry.coordinator.placement.Placer;
import dev.ferry.coordinator.placement.PlacementRequest;
import dev.ferry.coordinator.registry.ContainerEntry;
import dev.ferry.coordinator.registry.Node;
import dev.ferry.coordinator.registry.NodeRegistry;
import dev.ferry.coordinator.registry.UnknownContainerException;
import dev.ferry.coordinator.registry.UnknownNodeException;
import dev.ferry.coordinator.store.MigrationStore;
import dev.ferry.coordinator.store.Versioned;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The coordinator's domain API, what the gRPC service calls: validates, checks leadership for
 * writes, records, and hands work to the {@link Dispatcher}. Reads work on any coordinator.
 */
public final class Coordinator {
  private final MigrationStore store;
  private final NodeRegistry registry;
  private final Dispatcher dispatcher;
  private final Leadership leadership;
  private final InstantSource clock;
  private final Supplier<String> ids;
  private final Placer placer = new Placer();
  private final Map<String, Evacuation> evacuations = new ConcurrentHashMap<>();

  public Coordinator(MigrationStore store, NodeRegistry registry, Dispatcher dispatcher, Leadership leadership,
      InstantSource clock, Supplier<String> ids) {
    this.store = store;
    this.registry = registry;
    this.dispatcher = dispatcher;
    this.leadership = leadership;
    this.clock = clock;
    this.ids = ids;
  }

  /** Records a migration (taking the container's lock) and queues it. */
  public Migration migrate(MigrationSpec spec) {
    Ids.container(spec.containerId());
    if (!spec.sourceNode().isEmpty()) {
      Ids.node(spec.sourceNode());
    }
    if (!spec.requestedTarget().isEmpty()) {
      Ids.node(spec.requestedTarget());
      if (spec.requestedTarget().equals(spec.sourceNode())) {
        throw RequestRejectedException.invalid("source and target are both " + spec.sourceNode()
            + ": a container cannot migrate to the node it runs on");
      }
    }
    leadership.epoch();
    if (!spec.requestId().isEmpty()) {
      var same = store.list().stream().map(Versioned::value)
          .filter(m -> m.spec().requestId().equals(spec.requestId())).findFirst();
      if (same.isPresent()) {
        return same.get();
      }
    }
    ContainerEntry ct = registry.container(spec.containerId())
        .orElseThrow(() -> new UnknownContainerException(spec.containerId()));
    if (!spec.sourceNode().isEmpty() && !spec.sourceNode().equals(ct.node())) {
      throw new RequestRejectedException(Reason.CONTAINER_NOT_FOUND, "container " + ct.containerId() + " runs on "
          + ct.node() + ", not on " + spec.sourceNode());
    }
    if (!spec.requestedTarget().isEmpty()) {
      Node target = registry.node(spec.requestedTarget())
          .orElseThrow(() -> new UnknownNodeException(spec.requestedTarget()));
      placer.check(new PlacementRequest(ct.containerId(), ct.node(), ct.rssBytes(), 0), target);
    }
    MigrationSpec resolved = new MigrationSpec(spec.containerId(), ct.node(), spec.requestedTarget(),
        spec.strategy(), spec.clockPolicy(), spec.downtimeBudget(), spec.priority(), spec.maxPrecopyRounds(),
        spec.dropTcpConnections(), spec.requestId(), spec.onNonConvergence());
    Migration m = store.create(Migration.queued(ids.get(), resolved, clock.instant())).value();
    dispatcher.enqueue(m);
    return m;
  }

  public Migration get(String id) {
    return store.get(Ids.migration(id)).map(Versioned::value).orElseThrow(() -> new UnknownMigrationException(id));
  }

  public List<Migration> list(String containerId, String node, boolean activeOnly, int limit) {
    return store.list().stream().map(Versioned::value)
        .filter(m -> containerId.isEmpty() || m.containerId().equals(containerId))
        .filter(m -> node.isEmpty() || m.sourceNode().equals(node) || m.targetNode().equals(node))
        .filter(m -> !activeOnly || !m.phase().terminal())
        .sorted(Comparator.comparing(Migration::createdAt).reversed())
        .limit(limit <= 0 ? Long.MAX_VALUE : limit)
        .toList();
  }

  public Migration cancel(String id, String reason) {
    Versioned<Migration> v = store.get(Ids.migration(id)).orElseThrow(() -> new UnknownMigrationException(id));
    leadership.epoch();
    Phase phase = v.value().phase();
    if (phase.terminal()) {
      throw new RequestRejectedException(Reason.INVALID_ARGUMENT, "migration " + id + " already finished ("
          + phase.label() + "); nothing to cancel");
    }
    if (!phase.beforeCommit()) {
      throw new RequestRejectedException(Reason.MIGRATION_IN_PROGRESS, "migration " + id + " is in " + phase.label()
          + ": past the commit point it can only finish");
    }
    dispatcher.cancel(v, reason.isEmpty() ? "cancelled by request" : reason);
    return get(id);
  }

  public List<Node> nodes() {
    return registry.nodes();
  }

  public List<ContainerEntry> containers(String node) {
    return registry.containers().stream().filter(c -> node.isEmpty() || c.node().equals(node)).toList();
  }

  public Node uncordon(String node) {
    leadership.epoch();
    return registry.uncordon(Ids.node(node));
  }

  /** One migration per container on {@code node}, each placed by free memory and CPU. */
  public Evacuation evacuate(String node, Strategy strategy, ClockPolicy clockPolicy, Duration budget) {
    Ids.node(node);
    registry.node(node).orElseThrow(() -> new UnknownNodeException(node));
    leadership.epoch();
    List<Evacuation.Item> items = new ArrayList<>();
    for (ContainerEntry ct : containers(node)) {
      try {
        Migration m = migrate(new MigrationSpec(ct.containerId(), node, "", strategy, clockPolicy, budget, 0, 0,
            false, "", NonConvergence.FREEZE));
        items.add(new Evacuation.Item(ct.containerId(), m.id(), "", m.phase(), null));
      } catch (RuntimeException e) {
        items.add(new Evacuation.Item(ct.containerId(), "", "", null,
            new Failure.Refused(reasonOf(e), e.getMessage())));
      }
    }
    Evacuation ev = new Evacuation("ev-" + ids.get(), node, clock.instant(), items);
    evacuations.put(ev.id(), ev);
    return refresh(ev);
  }

  public Evacuation evacuation(String id) {
    Evacuation ev = evacuations.get(id);
    if (ev == null) {
      throw new RequestRejectedException(Reason.INVALID_ARGUMENT, "unknown evacuation '" + id
          + "' (evacuations are kept by the coordinator that started them)");
    }
    return refresh(ev);
  }

  /** Cordon, evacuate, wait up to {@code timeout}; report what moved and what did not. */
  public DrainResult drain(String node, Duration timeout, Strategy strategy, ClockPolicy clockPolicy)
      throws InterruptedException {
    long start = System.nanoTime();
    Ids.node(node);
    leadership.epoch();
    registry.cordon(node, "drain");
    Evacuation ev = evacuate(node, strategy, clockPolicy, null);
    long deadline = start + timeout.toNanos();
    while (!ev.finished() && System.nanoTime() < deadline) {
      Thread.sleep(200);
      ev = refresh(ev);
    }
    List<Evacuation.Item> moved = ev.items().stream().filter(i -> i.phase() instanceof Phase.Done).toList();
    List<Evacuation.Item> notMoved = ev.items().stream().filter(i -> !(i.phase() instanceof Phase.Done)).toList();
    return new DrainResult(node, notMoved.isEmpty(), moved, notMoved, Duration.ofNanos(System.nanoTime() - start));
  }

  private Evacuation refresh(Evacuation ev) {
    List<Evacuation.Item> items = ev.items().stream().map(i -> i.migrationId().isEmpty() ? i
        : store.get(i.migrationId()).map(v -> new Evacuation.Item(i.containerId(), i.migrationId(),
            v.value().targetNode(), v.value().phase(), v.value().failure())).orElse(i)).toList();
    return new Evacuation(ev.id(), ev.node(), ev.startedAt(), items);
  }

  private static Reason reasonOf(RuntimeException e) {
    return switch (e) {
      case RequestRejectedException r -> r.reason();
      case dev.ferry.coordinator.store.ContainerBusyException b -> Reason.MIGRATION_IN_PROGRESS;
      case UnknownContainerException u -> Reason.CONTAINER_NOT_FOUND;
      default -> Reason.INTERNAL_ERROR;
    };
  }
}

package dev.ferry.coordinator.testkit;

import dev.ferry.coordinator.agent.AgentClient;
import dev.ferry.coordinator.agent.AgentException;
import dev.ferry.coordinator.agent.Agents;
import dev.ferry.coordinator.fsm.ClockPolicy;
import dev.ferry.coordinator.fsm.Failure;
import dev.ferry.coordinator.fsm.Feature;
import dev.ferry.coordinator.fsm.NodeCapabilities;
import dev.ferry.coordinator.fsm.Reason;
import dev.ferry.timesync.ClockOffset;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.function.LongConsumer;
import java.util.function.Supplier;

/**
 * In-process agents for coordinator tests: they keep each node's containers and their states,
 * record every call as "node:Operation", and can fail or block a chosen operation. After every
 * call they check the invariant that at most one copy of a container runs.
 */
public final class FakeAgents implements Agents {
  public enum State { RUNNING, FROZEN, CHECKPOINTED, RESTORING }

  private final Map<String, Map<String, State>> nodes = new ConcurrentHashMap<>();
  private final Map<String, Failure> failures = new ConcurrentHashMap<>();
  private final Map<String, CountDownLatch> blocks = new ConcurrentHashMap<>();
  private final Map<String, CountDownLatch> reached = new ConcurrentHashMap<>();
  public final List<String> calls = new CopyOnWriteArrayList<>();
  public final List<String> violations = new CopyOnWriteArrayList<>();
  /** "node:Operation@epoch" for every call that belongs to a migration. */
  public final List<String> fenced = new CopyOnWriteArrayList<>();
  private final Map<String, Supplier<ClockOffset>> clocks = new ConcurrentHashMap<>();
  private volatile boolean dirtyTracking;

  public FakeAgents node(String name) {
    nodes.computeIfAbsent(name, n -> new ConcurrentHashMap<>());
    return this;
  }

  public FakeAgents container(String node, String id) {
    node(node);
    nodes.get(node).put(id, State.RUNNING);
    return this;
  }

  public FakeAgents dirtyTracking(boolean on) {
    this.dirtyTracking = on;
    return this;
  }

  /** {@code node}'s wall clock runs {@code ahead} of the coordinator's (negative: behind). */
  public FakeAgents wallClock(String node, Duration ahead) {
    return clock(node, () -> new ClockOffset(ahead, Duration.ZERO, Duration.ofNanos(100_000), Duration.ofNanos(200_000), 8));
  }

  /** {@code node}'s clocks as {@code probe} measures them (a real Clock.Probe, say). */
  public FakeAgents clock(String node, Supplier<ClockOffset> probe) {
    clocks.put(node, probe);
    return this;
  }

  /** The next call of {@code op} ("Dump", "Restore"...) on {@code node} fails with {@code f}. */
  public void fail(String node, String op, Failure f) {
    failures.put(node + ":" + op, f);
  }

  /** Calls of {@code op} on {@code node} wait until {@link #release}; {@link #awaitReached} sees them arrive. */
  public void block(String node, String op) {
    blocks.put(node + ":" + op, new CountDownLatch(1));
    reached.put(node + ":" + op, new CountDownLatch(1));
  }

  public void release(String node, String op) {
    blocks.remove(node + ":" + op).countDown();
  }

  public boolean awaitReached(String node, String op, Duration timeout) throws InterruptedException {
    return reached.get(node + ":" + op).await(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
  }

  public State state(String node, String container) {
    return nodes.get(node).get(container);
  }

  public List<String> callsOn(String node) {
    return calls.stream().filter(c -> c.startsWith(node + ":")).toList();
  }

  @Override
  public AgentClient of(String node) {
    if (!nodes.containsKey(node)) {
      throw new AgentException(new Failure.Unreachable(Reason.TARGET_UNREACHABLE, node, "no agent on " + node));
    }
    return new Client(node);
  }

  @Override
  public String address(String node) {
    return "fake-" + node + ":7000";
  }

  private void checkInvariant(String container) {
    long running = nodes.values().stream().filter(n -> n.get(container) == State.RUNNING).count();
    long recoverable = nodes.values().stream().filter(n -> n.containsKey(container)).count();
    if (running > 1) {
      violations.add(container + " runs on " + running + " nodes after " + calls.getLast());
    }
    if (recoverable == 0) {
      violations.add(container + " has no copy left after " + calls.getLast());
    }
  }

  private final class Client implements AgentClient {
    private final String node;

    Client(String node) {
      this.node = node;
    }

    private void enter(String op, MigrationRef ref) {
      fenced.add(node + ":" + op + "@" + ref.epoch());
      enter(op);
    }

    private void enter(String op) {
      calls.add(node + ":" + op);
      String key = node + ":" + op;
      CountDownLatch arrived = reached.get(key);
      if (arrived != null) {
        arrived.countDown();
      }
      CountDownLatch gate = blocks.get(key);
      if (gate != null) {
        try {
          gate.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new AgentException(new Failure.Unreachable(Reason.TARGET_UNREACHABLE, node, "call cancelled"));
        }
      }
      Failure f = failures.remove(key);
      if (f != null) {
        throw new AgentException(f);
      }
    }

    private Map<String, State> here() {
      return nodes.get(node);
    }

    private void set(String container, State s) {
      if (s == null) {
        here().remove(container);
      } else {
        here().put(container, s);
      }
      checkInvariant(container);
    }

    @Override
    public NodeCapabilities capabilities() {
      enter("GetCapabilities");
      return new NodeCapabilities(node, "4.2.1", "6.16", dirtyTracking ? Feature.yes() : Feature.no("no soft-dirty"),
          Feature.yes(), Feature.yes(), 2, 8L << 30, 100L << 30);
    }

    @Override
    public ClockOffset clockOffset() {
      enter("Clock.Probe");
      Supplier<ClockOffset> probe = clocks.get(node);
      return probe != null ? probe.get()
          : new ClockOffset(Duration.ZERO, Duration.ZERO, Duration.ofNanos(100_000), Duration.ofNanos(200_000), 8);
    }

    @Override
    public Checkpointability checkCheckpointable(String containerId) {
      enter("CheckCheckpointable");
      return new Checkpointability(true, List.of());
    }

    @Override
    public ContainerView inspect(String containerId) {
      enter("InspectContainer");
      State s = here().get(containerId);
      return new ContainerView(containerId, s == null ? "STOPPED" : s.name(), 16L << 20);
    }

    @Override
    public TargetSlot prepareRestore(MigrationRef ref, String containerId, String sourceNode, long expectedBytes) {
      enter("PrepareRestore", ref);
      return new TargetSlot("img-" + ref.migrationId(), "tok-" + ref.migrationId());
    }

    @Override
    public DumpInfo preDump(MigrationRef ref, String containerId, int round, int cpuThrottlePercent) {
      enter("PreDump", ref);
      long bytes = round == 1 ? 64L << 20 : 1L << 20;
      return new DumpInfo("pre-" + round, round, bytes, bytes / 4096, Duration.ofMillis(20), null, "");
    }

    @Override
    public DumpInfo dump(MigrationRef ref, String containerId, int parentRound, boolean tcpEstablished) {
      enter("Dump", ref);
      set(containerId, State.CHECKPOINTED);
      return new DumpInfo("dump-" + ref.migrationId(), 0, 16L << 20, 4096, Duration.ofMillis(30),
          Instant.parse("2025-01-01T00:00:10Z"), "");
    }

    @Override
    public DumpInfo lazyDump(MigrationRef ref, String containerId, boolean tcpEstablished) {
      enter("LazyDump", ref);
      set(containerId, State.CHECKPOINTED);
      return new DumpInfo("lazy-" + ref.migrationId(), 0, 1L << 20, 0, Duration.ofMillis(10),
          Instant.parse("2025-01-01T00:00:10Z"), "127.0.0.1:27000");
    }

    @Override
    public TransferInfo sendImages(MigrationRef ref, String containerId, String imageId, String targetAddress,
        String transferToken, ImageKind kind, LongConsumer bytesDone) {
      enter("SendImages", ref);
      bytesDone.accept(8L << 20);
      return new TransferInfo(16L << 20, 6L << 20, Duration.ofMillis(100));
    }

    @Override
    public java.util.Optional<TransferInfo> sendRootfs(MigrationRef ref, String containerId, String targetAddress,
        String transferToken) {
      enter("SendRootfs", ref);
      return java.util.Optional.of(new TransferInfo(4L << 20, 2L << 20, Duration.ofMillis(50)));
    }

    @Override
    public RestoreInfo restore(MigrationRef ref, String containerId, String imageId, boolean tcpEstablished,
        ClockPolicy clockPolicy, Instant frozenAt, String pageServer) {
      enter("Restore", ref);
      set(containerId, State.RUNNING);
      return new RestoreInfo(Duration.ofMillis(40), Instant.parse("2025-01-01T00:00:10.250Z"));
    }

    @Override
    public void resumeOnSource(MigrationRef ref, String containerId, String imageId, String reason) {
      enter("ResumeOnSource", ref);
      set(containerId, State.RUNNING);
    }

    @Override
    public void finalizeSource(MigrationRef ref, String containerId) {
      enter("Finalize", ref);
      set(containerId, null);
    }

    @Override
    public void abortRestore(MigrationRef ref, String containerId) {
      enter("AbortRestore", ref);
      if (here().containsKey(containerId)) {
        set(containerId, null);
      }
    }
  }
}

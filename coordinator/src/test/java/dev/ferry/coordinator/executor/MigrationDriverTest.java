package dev.ferry.coordinator.executor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.coordinator.fsm.Event;
import dev.ferry.coordinator.fsm.Migration;
import dev.ferry.coordinator.fsm.MigrationMachine;
import dev.ferry.coordinator.fsm.MigrationSpec;
import dev.ferry.coordinator.fsm.Phase;
import dev.ferry.coordinator.fsm.StrategyChooser;
import dev.ferry.coordinator.leader.Leadership;
import dev.ferry.coordinator.store.FaultyMigrationStore;
import dev.ferry.coordinator.store.FaultyMigrationStore.Fault;
import dev.ferry.coordinator.store.InMemoryMigrationStore;
import dev.ferry.coordinator.store.Versioned;
import dev.ferry.coordinator.testkit.FakeAgents;
import dev.ferry.coordinator.testkit.SwitchableLeadership;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The write-ahead driver against an in-memory store that fails on purpose, with fake agents. */
class MigrationDriverTest {
  private final InMemoryMigrationStore memory = new InMemoryMigrationStore();
  private final FaultyMigrationStore store = new FaultyMigrationStore(memory);
  private final MigrationMachine machine = MigrationMachine.defaults();
  private final FakeAgents agents = new FakeAgents().node("node-a").node("node-b").container("node-a", "ct42");
  private final List<Migration> finished = new ArrayList<>();

  private String admitted() {
    Versioned<Migration> v = store.create(Migration.queued("m-1", MigrationSpec.of("ct42", "node-a", "node-b"),
        Instant.EPOCH));
    store.update(v, machine.transition(v.value(), new Event.Admitted("node-b", ""), Instant.EPOCH).next());
    return "m-1";
  }

  private final List<String> storedPhaseAtCall = new java.util.concurrent.CopyOnWriteArrayList<>();

  /** Records, for every agent call, the phase the store held at that moment. */
  private final dev.ferry.coordinator.agent.Agents observed = new dev.ferry.coordinator.agent.Agents() {
    @Override
    public dev.ferry.coordinator.agent.AgentClient of(String node) {
      var real = agents.of(node);
      return (dev.ferry.coordinator.agent.AgentClient) java.lang.reflect.Proxy.newProxyInstance(
          getClass().getClassLoader(), new Class<?>[] {dev.ferry.coordinator.agent.AgentClient.class},
          (proxy, method, args) -> {
            storedPhaseAtCall.add(method.getName() + " in " + memory.get("m-1").orElseThrow().value().phase()
                .label());
            try {
              return method.invoke(real, args);
            } catch (java.lang.reflect.InvocationTargetException e) {
              throw e.getCause();
            }
          });
    }

    @Override
    public String address(String node) {
      return agents.address(node);
    }
  };

  private MigrationDriver driver(String id, Leadership leadership) {
    return new MigrationDriver(id, store, machine, new CommandRunner(observed, StrategyChooser.DEFAULT), leadership,
        InstantSource.system(), x -> null, finished::add);
  }

  @Test
  void everyDecisionIsPersistedBeforeItsCommandsRun() {
    String id = admitted();
    driver(id, Leadership.fixed(1, "me")).run();
    assertThat(finished).singleElement().extracting(Migration::phase).isEqualTo(new Phase.Done());
    // Every phase the driver went through is in the record, in order.
    assertThat(memory.get(id).orElseThrow().value().history()).extracting(c -> c.to().label())
        .containsExactly("Planned", "Preflight", "PrepareTarget", "FreezeAndDump", "Transfer", "Restore", "Verify",
            "Commit", "Done");
    assertThat(agents.violations).isEmpty();
    assertThat(storedPhaseAtCall).containsExactly("capabilities in Preflight", "capabilities in Preflight",
        "clockOffset in Preflight", "clockOffset in Preflight",
        "inspect in Preflight", "checkCheckpointable in Preflight", "prepareRestore in PrepareTarget",
        "sendRootfs in PrepareTarget", "dump in FreezeAndDump", "sendImages in Transfer", "restore in Restore", "inspect in Verify",
        "finalizeSource in Commit");
  }

  @Test
  void aBrieflyUnavailableStoreIsWaitedOutNotSkipped() {
    String id = admitted();
    store.failWrites(Fault.UNAVAILABLE, 3, m -> m.phase() instanceof Phase.FreezeAndDump);
    driver(id, Leadership.fixed(1, "me")).run();
    assertThat(memory.get(id).orElseThrow().value().phase()).isEqualTo(new Phase.Done());
    // The dump ran once, after its phase was finally written.
    assertThat(agents.calls).containsOnlyOnce("node-a:Dump");
  }

  @Test
  void aLostCompareAndPutStopsTheDriverBeforeItActs() {
    String id = admitted();
    store.failWrites(Fault.CONFLICT, 1, m -> m.phase() instanceof Phase.FreezeAndDump);
    driver(id, Leadership.fixed(1, "me")).run();
    assertThat(memory.get(id).orElseThrow().value().phase()).isEqualTo(new Phase.PrepareTarget());
    assertThat(agents.calls).doesNotContain("node-a:Dump");
    assertThat(finished).isEmpty();
  }

  @Test
  void aDeposedLeaderIssuesNoFurtherCommand() {
    String id = admitted();
    SwitchableLeadership leadership = new SwitchableLeadership("me");
    leadership.elect(1);
    agents.block("node-b", "PrepareRestore");
    Thread t = Thread.ofVirtual().start(driver(id, leadership));
    try {
      assertThat(agents.awaitReached("node-b", "PrepareRestore", java.time.Duration.ofSeconds(5))).isTrue();
      leadership.depose();
      agents.release("node-b", "PrepareRestore");
      t.join(java.time.Duration.ofSeconds(5));
    } catch (InterruptedException e) {
      throw new AssertionError(e);
    }
    // The command in flight (the target's slot, then the rootfs's first pass) ends; no command follows it.
    assertThat(agents.calls).last().isEqualTo("node-a:SendRootfs");
    assertThat(agents.calls).doesNotContain("node-a:Dump");
    assertThat(memory.get(id).orElseThrow().value().phase()).isEqualTo(new Phase.PrepareTarget());
  }
}

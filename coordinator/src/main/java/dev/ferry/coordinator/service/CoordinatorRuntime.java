package dev.ferry.coordinator.service;

import dev.ferry.coordinator.agent.Agents;
import dev.ferry.coordinator.executor.CommandRunner;
import dev.ferry.coordinator.fsm.MigrationMachine;
import dev.ferry.coordinator.ipam.AddressBook;
import dev.ferry.coordinator.ipam.EtcdAddressBook;
import dev.ferry.coordinator.leader.LeaderElection;
import dev.ferry.coordinator.leader.Leadership;
import dev.ferry.coordinator.observe.MigrationObserver;
import dev.ferry.coordinator.registry.EtcdNodeRegistry;
import dev.ferry.coordinator.registry.NodeRegistry;
import dev.ferry.coordinator.store.EtcdMigrationStore;
import dev.ferry.coordinator.store.MigrationStore;
import io.etcd.jetcd.Client;
import java.time.InstantSource;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;

/** Wires one coordinator: etcd-backed store and registry, election, dispatcher, domain API. */
public final class CoordinatorRuntime implements AutoCloseable {
  private final MigrationStore store;
  private final NodeRegistry registry;
  private final AddressBook addresses;
  private final Dispatcher dispatcher;
  private final Coordinator coordinator;
  private final Leadership leadership;
  private final LeaderElection election;

  private CoordinatorRuntime(Client etcd, Agents agents, Leadership fixed, String self, CoordinatorConfig config,
      InstantSource clock, MigrationObserver observer) {
    Forward forward = new Forward();
    this.election = fixed == null ? new LeaderElection(etcd, self, config.electionTtl(), forward) : null;
    this.leadership = fixed == null ? election : fixed;
    this.store = new EtcdMigrationStore(etcd, leadership::fence);
    this.registry = new EtcdNodeRegistry(etcd);
    this.addresses = new EtcdAddressBook(etcd, clock);
    MigrationMachine machine = new MigrationMachine(config.retry(), config.stopRule());
    CommandRunner runner = new CommandRunner(agents, config.chooser(), config.skewGuard());
    this.dispatcher = new Dispatcher(store, registry, machine, runner, leadership, clock, config, observer);
    forward.target = dispatcher;
    this.coordinator = new Coordinator(store, registry, dispatcher, leadership, clock, CoordinatorRuntime::newId);
    if (election != null) {
      election.start();
    }
  }

  /** A coordinator that campaigns for leadership in etcd under {@code self} (its advertised address). */
  public static CoordinatorRuntime elected(Client etcd, Agents agents, String self, CoordinatorConfig config) {
    return elected(etcd, agents, self, config, MigrationObserver.NONE);
  }

  /** As {@link #elected(Client, Agents, String, CoordinatorConfig)}, telling {@code observer} of every migration step. */
  public static CoordinatorRuntime elected(Client etcd, Agents agents, String self, CoordinatorConfig config,
      MigrationObserver observer) {
    return new CoordinatorRuntime(etcd, agents, null, self, config, InstantSource.system(), observer);
  }

  /** A coordinator whose leadership the caller controls (tests); call {@link Dispatcher#elected} when it leads. */
  public static CoordinatorRuntime withLeadership(Client etcd, Agents agents, Leadership leadership,
      CoordinatorConfig config) {
    return new CoordinatorRuntime(etcd, agents, leadership, "", config, InstantSource.system(), MigrationObserver.NONE);
  }

  static String newId() {
    byte[] b = new byte[6];
    ThreadLocalRandom.current().nextBytes(b);
    return "m-" + HexFormat.of().formatHex(b);
  }

  public Coordinator coordinator() {
    return coordinator;
  }

  public Dispatcher dispatcher() {
    return dispatcher;
  }

  public MigrationStore store() {
    return store;
  }

  public NodeRegistry registry() {
    return registry;
  }

  /** Container addresses; not fenced by leadership (etcd's transaction decides). */
  public AddressBook addresses() {
    return addresses;
  }

  public Leadership leadership() {
    return leadership;
  }

  @Override
  public void close() {
    if (election != null) {
      election.close();
    }
    dispatcher.close();
  }

  /** The election needs its listener before the dispatcher (which needs the election) exists. */
  private static final class Forward implements LeaderElection.Listener {
    volatile LeaderElection.Listener target;

    @Override
    public void elected(long epoch) {
      target.elected(epoch);
    }

    @Override
    public void lost(String why) {
      target.lost(why);
    }
  }
}

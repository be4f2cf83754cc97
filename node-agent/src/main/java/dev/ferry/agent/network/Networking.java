package dev.ferry.agent.network;

import dev.ferry.agent.AgentException;
import dev.ferry.agent.FailureReason;
import dev.ferry.agent.runtime.ContainerId;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Whether and how this node's containers are networked. Without a container network they keep
 * a private namespace of their own (loopback only), as before; with one, each gets its address
 * for life from the {@link AddressSource} and a namespace from {@link ContainerNetworks}.
 */
public final class Networking {
  private final ContainerNetworks networks;
  private final AddressSource addresses;

  private Networking(ContainerNetworks networks, AddressSource addresses) {
    this.networks = networks;
    this.addresses = addresses;
  }

  public static Networking none() {
    return new Networking(null, null);
  }

  public static Networking of(ContainerNetworks networks, AddressSource addresses) {
    return new Networking(networks, addresses);
  }

  public boolean enabled() {
    return networks != null;
  }

  /** The container network's CIDR, or "" without one (what the coordinator's preflight compares). */
  public String network() {
    return enabled() ? networks.config().network() : "";
  }

  /** A new container's address, when this node has a container network. */
  public Optional<Attachment> allocate(ContainerId id) {
    return enabled() ? Optional.of(addresses.allocate(id, networks.config().network())) : Optional.empty();
  }

  /** The container's namespace, built here; null when the container has no address (a private one). */
  public Path attach(ContainerId id, Optional<Attachment> a, boolean silent) {
    if (a.isEmpty()) {
      return null;
    }
    return require(id, a.get()).attach(id, a.get(), silent);
  }

  public Path namespacePath(ContainerId id, Optional<Attachment> a) {
    return a.map(x -> require(id, x).namespacePath(id)).orElse(null);
  }

  /** New connections wait from here until the container runs again (see {@link ContainerNetworks#holdNewConnections}). */
  public void holdNewConnections(ContainerId id, Optional<Attachment> a) {
    a.ifPresent(x -> require(id, x).holdNewConnections(id));
  }

  public void admitNewConnections(ContainerId id, Optional<Attachment> a) {
    a.ifPresent(x -> require(id, x).admitNewConnections(id));
  }

  public void silence(ContainerId id, Optional<Attachment> a) {
    a.ifPresent(x -> require(id, x).silence(id, x));
  }

  public void announce(ContainerId id, Optional<Attachment> a) {
    a.ifPresent(x -> require(id, x).announce(id, x));
  }

  public void detach(ContainerId id) {
    if (enabled()) {
      networks.detach(id);
    }
  }

  /** The container is gone for good (deleted, not moved): its address goes back to the pool. */
  public void release(ContainerId id, Optional<Attachment> a) {
    if (a.isPresent() && enabled()) {
      addresses.release(id);
    }
  }

  private ContainerNetworks require(ContainerId id, Attachment a) {
    if (!enabled()) {
      throw new AgentException(FailureReason.NETWORK_SETUP_FAILED, "container '" + id + "' has the address " + a.address()
          + " but this node has no container network: start the agent with --container-network");
    }
    return networks;
  }
}

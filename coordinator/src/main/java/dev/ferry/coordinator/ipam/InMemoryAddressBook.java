package dev.ferry.coordinator.ipam;

import dev.ferry.coordinator.service.Ids;
import java.time.InstantSource;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/** The address book in one process's memory, for unit tests of its callers. Lowest free address first. */
public final class InMemoryAddressBook implements AddressBook {
  private final InstantSource clock;
  private final Map<String, AddressLease> byContainer = new HashMap<>();
  private final Map<String, String> byAddress = new HashMap<>();

  public InMemoryAddressBook(InstantSource clock) {
    this.clock = clock;
  }

  @Override
  public synchronized AddressLease allocate(String containerId, ContainerNetwork network, String node) {
    Ids.container(containerId);
    Ids.node(node);
    AddressLease held = byContainer.get(containerId);
    if (held != null) {
      if (!held.network().equals(network)) {
        throw new NetworkMismatchException(held, network);
      }
      return held;
    }
    String free = network.hosts().filter(a -> !byAddress.containsKey(a)).findFirst()
        .orElseThrow(() -> new NetworkExhaustedException(network));
    AddressLease lease = new AddressLease(containerId, free, network, node, clock.instant());
    byContainer.put(containerId, lease);
    byAddress.put(free, containerId);
    return lease;
  }

  @Override
  public synchronized Optional<String> release(String containerId) {
    Ids.container(containerId);
    AddressLease held = byContainer.remove(containerId);
    if (held == null) {
      return Optional.empty();
    }
    byAddress.remove(held.address());
    return Optional.of(held.address());
  }

  @Override
  public synchronized Optional<AddressLease> lookup(String containerId) {
    Ids.container(containerId);
    return Optional.ofNullable(byContainer.get(containerId));
  }
}

package dev.ferry.coordinator.ipam;

import java.util.Optional;

/**
 * Container addresses, never handed out twice. Agents allocate when they create a container and
 * release when they delete it; a migration keeps the address.
 */
public interface AddressBook {
  /**
   * The container's address in {@code network}: the one it already holds, or a free one.
   *
   * @throws NetworkMismatchException if the container holds an address in another network
   * @throws NetworkExhaustedException if every container address of the network is taken
   */
  AddressLease allocate(String containerId, ContainerNetwork network, String node);

  /** Frees the container's address; the address released, empty if it held none. */
  Optional<String> release(String containerId);

  Optional<AddressLease> lookup(String containerId);
}

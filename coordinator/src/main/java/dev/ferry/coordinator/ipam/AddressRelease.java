package dev.ferry.coordinator.ipam;

import dev.ferry.coordinator.registry.ContainerEntry;
import dev.ferry.coordinator.registry.NodeRegistry;
import java.util.Optional;

/**
 * ReleaseAddress bound to its caller: a node frees only the address of a container it holds. The
 * holder is where the inventory places the container (moved there when a migration commits), or,
 * before the node ever reported it (a create that failed halfway), the node that allocated it.
 */
public final class AddressRelease {
  private final AddressBook addresses;
  private final NodeRegistry registry;

  public AddressRelease(AddressBook addresses, NodeRegistry registry) {
    this.addresses = addresses;
    this.registry = registry;
  }

  /**
   * Frees the container's address for {@code callerNode} (empty: an unauthenticated --insecure caller).
   *
   * @return the address released, empty if the container held none
   * @throws AddressNotHeldException if the container runs on another node than the caller
   */
  public Optional<String> release(String containerId, Optional<String> callerNode) {
    Optional<AddressLease> lease = addresses.lookup(containerId);
    if (callerNode.isPresent() && lease.isPresent()) {
      String holder = registry.container(containerId).map(ContainerEntry::node).orElse(lease.get().node());
      if (!holder.equals(callerNode.get())) {
        throw new AddressNotHeldException(callerNode.get(), containerId, lease.get().address(), holder);
      }
    }
    return addresses.release(containerId);
  }
}

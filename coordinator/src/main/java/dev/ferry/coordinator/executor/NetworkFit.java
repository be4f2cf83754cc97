package dev.ferry.coordinator.executor;

import dev.ferry.coordinator.ipam.ContainerNetwork;
import java.util.Optional;

/**
 * Whether a target can give a container its address: a container keeps its address for life,
 * so the target must sit on the network that holds it. Caught in preflight, before anything
 * is frozen, instead of failing the restore.
 */
final class NetworkFit {
  private NetworkFit() {}

  /** Why {@code target} cannot host a container with {@code address} ("" = no address); empty when it can. */
  static Optional<String> problem(String containerId, String address, String target, String targetNetwork) {
    if (address == null || address.isEmpty()) {
      return Optional.empty();
    }
    if (targetNetwork == null || targetNetwork.isEmpty()) {
      return Optional.of("container " + containerId + " has the address " + address + " but " + target
          + " has no container network (start its agent with --container-network)");
    }
    if (!ContainerNetwork.parse(targetNetwork).contains(address)) {
      return Optional.of("container " + containerId + " has the address " + address + " but " + target
          + "'s container network " + targetNetwork + " does not hold it");
    }
    return Optional.empty();
  }
}

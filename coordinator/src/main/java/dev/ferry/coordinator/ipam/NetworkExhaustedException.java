package dev.ferry.coordinator.ipam;

/** Every container address of a network is allocated. */
public final class NetworkExhaustedException extends RuntimeException {
  public NetworkExhaustedException(ContainerNetwork network) {
    super("container network " + network.cidr() + " is exhausted: "
        + (network.capacity() == 1 ? "its one container address is" : "all " + network.capacity()
            + " container addresses are") + " allocated (a /" + network.prefixLength() + " has " + network.size()
        + " addresses; network, gateway " + network.gateway() + " and broadcast are not given out)");
  }
}

package dev.ferry.coordinator.ipam;

/** The container already holds an address, in another network than the one asked for. */
public final class NetworkMismatchException extends RuntimeException {
  public NetworkMismatchException(AddressLease held, ContainerNetwork asked) {
    super("container " + held.containerId() + " already holds " + held.address() + " in network "
        + held.network().cidr() + ", not in " + asked.cidr() + "; an address is kept for the container's life, "
        + "release it first to move to another network");
  }
}

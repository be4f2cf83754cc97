package dev.ferry.coordinator.ipam;

import java.time.Instant;

/** A container's address, held for the container's life (migrations keep it). */
public record AddressLease(String containerId, String address, ContainerNetwork network, String node,
    Instant allocatedAt) {
  public int prefixLength() {
    return network.prefixLength();
  }
}

package dev.ferry.coordinator.ipam;

import java.time.Instant;

/** The JSON value of {@code addresses/<ip>} in etcd. */
record StoredAddress(String containerId, String node, String network, Instant allocatedAt) {
  AddressLease lease(String address) {
    return new AddressLease(containerId, address, ContainerNetwork.parse(network), node, allocatedAt);
  }
}

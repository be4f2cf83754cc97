package dev.ferry.coordinator.ipam;

/** A node asked to release an address that belongs to a container on another node (PERMISSION_DENIED). */
public final class AddressNotHeldException extends RuntimeException {
  public AddressNotHeldException(String callerNode, String containerId, String address, String holderNode) {
    super("node/" + callerNode + " may not release " + address + ": it is the address of container " + containerId
        + ", which runs on node " + holderNode + "; a node releases only its own containers' addresses");
  }
}

package dev.ferry.coordinator.registry;

/** A container id no node reported. */
public final class UnknownContainerException extends RuntimeException {
  private final String containerId;

  public UnknownContainerException(String containerId) {
    super("unknown container '" + containerId + "': no node reports it");
    this.containerId = containerId;
  }

  public String containerId() {
    return containerId;
  }
}

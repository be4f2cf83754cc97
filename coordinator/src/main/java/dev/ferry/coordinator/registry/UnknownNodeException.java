package dev.ferry.coordinator.registry;

/** A node name no agent ever registered. */
public final class UnknownNodeException extends RuntimeException {
  private final String node;

  public UnknownNodeException(String node) {
    super("unknown node '" + node + "': no agent registered under that name");
    this.node = node;
  }

  public String node() {
    return node;
  }
}

package dev.ferry.coordinator.registry;

import dev.ferry.coordinator.fsm.NodeCapabilities;
import java.time.Instant;

/**
 * A node as the control plane sees it.
 *
 * @param ready    its agent's lease is alive; a NotReady node gets no new work
 * @param cordoned an operator asked that nothing new be placed on it
 */
public record Node(String name, String address, NodeCapabilities capabilities, Instant registeredAt, boolean ready,
    boolean cordoned, String cordonReason) {

  /** Can this node receive a migration? */
  public boolean schedulable() {
    return ready && !cordoned;
  }
}

package dev.ferry.coordinator.registry;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** Nodes, their liveness and cordons, and the container inventory. */
public interface NodeRegistry {

  /** Registers or refreshes a node; its registration lives as long as the returned lease is renewed. */
  NodeLease register(NodeRegistration registration, Duration ttl);

  List<Node> nodes();

  Optional<Node> node(String name);

  /** @throws UnknownNodeException if the node never registered */
  Node cordon(String name, String reason);

  /** @throws UnknownNodeException if the node never registered */
  Node uncordon(String name);

  /** Replaces what is known to run on {@code node} with {@code containers}. */
  void reportContainers(String node, List<ContainerEntry> containers);

  List<ContainerEntry> containers();

  Optional<ContainerEntry> container(String containerId);

  /** Moves a container to its new node once its migration committed. */
  void moveContainer(String containerId, String toNode);
}

package dev.ferry.coordinator.agent;

/** Finds the agent of a node (its address comes from the registry). */
public interface Agents {

  AgentClient of(String node);

  /** host:port other agents reach this node's Transfer service on. */
  String address(String node);
}

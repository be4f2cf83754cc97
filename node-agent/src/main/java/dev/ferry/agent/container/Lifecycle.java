package dev.ferry.agent.container;

/** Where a container is in its life, as the agent last recorded it. */
public enum Lifecycle {
  /** Bundle written, never started. */
  CREATED,
  RUNNING,
  STOPPED,
  /** Dumped and stopped: recoverable from its local images. */
  CHECKPOINTED
}

package dev.ferry.agent.network;

import dev.ferry.agent.runtime.ContainerId;

/** Where container addresses come from: the coordinator, which keeps them in etcd. */
public interface AddressSource {
  /** The container's address on {@code network}; the same one again for the same container. */
  Attachment allocate(ContainerId id, String network);

  /** Gives the address back (the container is deleted, not moved). */
  void release(ContainerId id);
}

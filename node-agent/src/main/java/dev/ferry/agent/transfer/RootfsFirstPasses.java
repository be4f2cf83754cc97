package dev.ferry.agent.transfer;

import dev.ferry.agent.runtime.ContainerId;
import dev.ferry.transfer.RootfsPass;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The root-filesystem first passes this (source) node sent, one per container: what the final
 * delta of the same migration is computed against. Kept in memory only: after an agent restart the
 * final send carries the whole tree again, which is slower but just as correct. A container's next
 * migration replaces its entry; a completed final send, or the container's deletion, drops it: at
 * most one entry per container on this node.
 */
final class RootfsFirstPasses {
  private record Sent(String migrationId, RootfsPass pass) {}

  private final Map<ContainerId, Sent> byContainer = new ConcurrentHashMap<>();

  void remember(ContainerId id, String migrationId, RootfsPass pass) {
    byContainer.put(id, new Sent(migrationId, pass));
  }

  /** The first pass of this migration; another migration's is never a base (its target may differ). */
  Optional<RootfsPass> of(ContainerId id, String migrationId) {
    Sent sent = byContainer.get(id);
    return sent != null && sent.migrationId().equals(migrationId) ? Optional.of(sent.pass()) : Optional.empty();
  }

  void forget(ContainerId id) {
    byContainer.remove(id);
  }

  void forget(ContainerId id, String migrationId) {
    byContainer.computeIfPresent(id, (k, sent) -> sent.migrationId().equals(migrationId) ? null : sent);
  }
}

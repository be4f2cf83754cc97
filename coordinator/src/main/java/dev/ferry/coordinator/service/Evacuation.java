package dev.ferry.coordinator.service;

import dev.ferry.coordinator.fsm.Failure;
import dev.ferry.coordinator.fsm.Phase;
import java.time.Instant;
import java.util.List;

/** Moving every container off a node: one item per container, each a migration or the reason there is none. */
public record Evacuation(String id, String node, Instant startedAt, List<Item> items) {

  public Evacuation {
    items = List.copyOf(items);
  }

  /** @param migrationId empty when the migration could not even be requested ({@code failure} says why) */
  public record Item(String containerId, String migrationId, String targetNode, Phase phase, Failure failure) {}

  public boolean finished() {
    return items.stream().allMatch(i -> i.phase() == null || i.phase().terminal());
  }
}

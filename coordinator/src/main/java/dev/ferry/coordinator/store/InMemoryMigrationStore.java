package dev.ferry.coordinator.store;

import dev.ferry.coordinator.fsm.Migration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The store for unit tests: same contract as etcd, one global revision counter like etcd's. */
public final class InMemoryMigrationStore implements MigrationStore {
  private final Map<String, Versioned<Migration>> records = new HashMap<>();
  private final Map<String, String> locks = new HashMap<>();
  private long revision;

  @Override
  public synchronized Versioned<Migration> create(Migration m) {
    String holder = locks.get(m.containerId());
    if (holder != null) {
      throw new ContainerBusyException(m.containerId(), holder);
    }
    if (records.containsKey(m.id())) {
      throw new ConflictException(Keys.migration(m.id()), 0);
    }
    Versioned<Migration> v = new Versioned<>(m, ++revision);
    records.put(m.id(), v);
    locks.put(m.containerId(), m.id());
    return v;
  }

  @Override
  public synchronized Versioned<Migration> update(Versioned<Migration> current, Migration next) {
    Versioned<Migration> stored = records.get(next.id());
    if (stored == null || stored.modRevision() != current.modRevision()) {
      throw new ConflictException(Keys.migration(next.id()), current.modRevision());
    }
    Versioned<Migration> v = new Versioned<>(next, ++revision);
    records.put(next.id(), v);
    if (next.phase().terminal()) {
      locks.remove(next.containerId(), next.id());
    }
    return v;
  }

  @Override
  public synchronized Optional<Versioned<Migration>> get(String id) {
    return Optional.ofNullable(records.get(id));
  }

  @Override
  public synchronized List<Versioned<Migration>> list() {
    return new ArrayList<>(records.values());
  }

  @Override
  public synchronized Optional<String> lockHolder(String containerId) {
    return Optional.ofNullable(locks.get(containerId));
  }
}

package dev.ferry.coordinator.store;

import dev.ferry.coordinator.fsm.Migration;
import java.util.List;
import java.util.Optional;

/**
 * Where migration records live. Every write is a compare-and-put on the revision the caller
 * read, so two coordinators (or a deposed one) cannot silently overwrite each other.
 */
public interface MigrationStore {

  /**
   * Records a new migration and takes its container's lock in one step.
   *
   * @throws ContainerBusyException if another migration holds the container's lock
   * @throws ConflictException      if a migration with this id already exists
   */
  Versioned<Migration> create(Migration m);

  /**
   * Writes {@code next} if the record is still at {@code current.modRevision()}. When {@code next}
   * is terminal the container's lock is released in the same write.
   *
   * @throws ConflictException if the record changed since {@code current} was read
   */
  Versioned<Migration> update(Versioned<Migration> current, Migration next);

  Optional<Versioned<Migration>> get(String id);

  List<Versioned<Migration>> list();

  /** The migration holding a container's lock, if any. */
  Optional<String> lockHolder(String containerId);
}

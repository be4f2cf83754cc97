package dev.ferry.coordinator.store;

import dev.ferry.coordinator.fsm.Migration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * Wraps a store and fails chosen writes, for failure-path tests: etcd down
 * ({@link StoreUnavailableException}) or a lost compare-and-put ({@link ConflictException}).
 */
public final class FaultyMigrationStore implements MigrationStore {
  public enum Fault { NONE, UNAVAILABLE, CONFLICT }

  private final MigrationStore delegate;
  private volatile Fault fault = Fault.NONE;
  private volatile Predicate<Migration> when = m -> true;
  private final AtomicInteger remaining = new AtomicInteger();

  public FaultyMigrationStore(MigrationStore delegate) {
    this.delegate = delegate;
  }

  /** The next {@code times} writes of a record matching {@code when} fail with {@code f}. */
  public void failWrites(Fault f, int times, Predicate<Migration> when) {
    this.when = when;
    this.remaining.set(times);
    this.fault = f;
  }

  private void maybeFail(Migration m) {
    if (fault == Fault.NONE || !when.test(m) || remaining.getAndDecrement() <= 0) {
      return;
    }
    switch (fault) {
      case UNAVAILABLE -> throw new StoreUnavailableException("injected: etcd unavailable", null);
      case CONFLICT -> throw new ConflictException(Keys.migration(m.id()), -1);
      case NONE -> { }
    }
  }

  @Override
  public Versioned<Migration> create(Migration m) {
    maybeFail(m);
    return delegate.create(m);
  }

  @Override
  public Versioned<Migration> update(Versioned<Migration> current, Migration next) {
    maybeFail(next);
    return delegate.update(current, next);
  }

  @Override
  public Optional<Versioned<Migration>> get(String id) {
    return delegate.get(id);
  }

  @Override
  public List<Versioned<Migration>> list() {
    return delegate.list();
  }

  @Override
  public Optional<String> lockHolder(String containerId) {
    return delegate.lockHolder(containerId);
  }
}

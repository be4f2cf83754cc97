package dev.ferry.coordinator.store;

class InMemoryMigrationStoreTest extends MigrationStoreContract {
  private final MigrationStore store = new InMemoryMigrationStore();

  @Override
  MigrationStore store() {
    return store;
  }
}

package dev.ferry.coordinator.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.coordinator.etcd.Etcd;
import dev.ferry.coordinator.testkit.EtcdExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The store contract against a real etcd 3.4 process. */
class EtcdMigrationStoreIT extends MigrationStoreContract {
  @RegisterExtension
  static final EtcdExtension etcd = new EtcdExtension();

  @Override
  MigrationStore store() {
    return new EtcdMigrationStore(etcd.client());
  }

  @Test
  void recordsAreReadableJsonUnderTheDocumentedKeys() {
    store().create(queued("m-json", "ct-json"));
    var kv = Etcd.await("get", etcd.client().getKVClient().get(Etcd.bytes("/ferry/v1/migrations/m-json")));
    String json = Etcd.text(kv.getKvs().getFirst().getValue());
    assertThat(json).contains("\"id\":\"m-json\"").contains("\"phase\":{\"type\":\"Queued\"}");
    var lock = Etcd.await("get", etcd.client().getKVClient().get(Etcd.bytes("/ferry/v1/locks/containers/ct-json")));
    assertThat(Etcd.text(lock.getKvs().getFirst().getValue())).isEqualTo("m-json");
  }

  @Test
  void twoCoordinatorsRacingOnOneRecordOneWins() {
    try (var other = etcd.newClient()) {
      MigrationStore a = store();
      MigrationStore b = new EtcdMigrationStore(other);
      var v = a.create(queued("m-race", "ct-race"));
      var mine = machine.transition(v.value(), new dev.ferry.coordinator.fsm.Event.Admitted("node-b", ""), T0);
      var theirs = machine.transition(v.value(), new dev.ferry.coordinator.fsm.Event.CancelRequested("x"), T0);
      a.update(v, mine.next());
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> b.update(v, theirs.next()))
          .isInstanceOf(ConflictException.class);
    }
  }

  @Test
  void aFencedStoreWritesOnlyWhileItsElectionKeyLives() {
    var kv = etcd.client().getKVClient();
    var put = Etcd.await("put", kv.put(Etcd.bytes("/ferry/v1/leader/test"), Etcd.bytes("me")));
    long epoch = put.getHeader().getRevision();
    MigrationStore fenced = new EtcdMigrationStore(etcd.client(),
        () -> java.util.Optional.of(new Fence("/ferry/v1/leader/test", epoch)));
    var v = fenced.create(queued("m-f", "ct-f"));
    var admitted = machine.transition(v.value(), new dev.ferry.coordinator.fsm.Event.Admitted("node-b", ""), T0);
    var v2 = fenced.update(v, admitted.next());
    Etcd.await("delete", kv.delete(Etcd.bytes("/ferry/v1/leader/test")));
    var cancelled = machine.transition(v2.value(), new dev.ferry.coordinator.fsm.Event.CancelRequested("x"), T0);
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> fenced.update(v2, cancelled.next()))
        .isInstanceOf(FenceLostException.class).hasMessageContaining("epoch " + epoch);
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> fenced.create(queued("m-g", "ct-g")))
        .isInstanceOf(FenceLostException.class);
    assertThat(store().get("m-f").orElseThrow().value()).isEqualTo(admitted.next());
    assertThat(store().get("m-g")).isEmpty();
  }
}

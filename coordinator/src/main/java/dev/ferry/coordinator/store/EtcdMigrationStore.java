package dev.ferry.coordinator.store;

import static dev.ferry.coordinator.etcd.Etcd.bytes;
import static dev.ferry.coordinator.etcd.Etcd.text;

import dev.ferry.coordinator.etcd.Etcd;
import dev.ferry.coordinator.fsm.Migration;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.kv.TxnResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.DeleteOption;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Migration records under {@code /ferry/v1/migrations/<id>}, container locks under
 * {@code /ferry/v1/locks/containers/<id>}. Each write is one etcd transaction guarded by the
 * mod revision the caller read (etcd's STM idea), so a lost race is an exception, not an overwrite.
 */
public final class EtcdMigrationStore implements MigrationStore {
  private final Client client;
  private final Supplier<Optional<Fence>> fence;

  /** An unfenced store (tools, tests). */
  public EtcdMigrationStore(Client client) {
    this(client, Optional::empty);
  }

  /** A store whose writes succeed only while {@code fence} (the caller's leadership) holds. */
  public EtcdMigrationStore(Client client, Supplier<Optional<Fence>> fence) {
    this.client = client;
    this.fence = fence;
  }

  /** The write's own conditions plus, when fenced, "my election key still exists at my epoch". */
  private static Cmp[] guarded(Optional<Fence> f, Cmp... own) {
    if (f.isEmpty()) {
      return own;
    }
    Cmp[] all = java.util.Arrays.copyOf(own, own.length + 1);
    all[own.length] = new Cmp(bytes(f.get().key()), Cmp.Op.EQUAL, CmpTarget.createRevision(f.get().revision()));
    return all;
  }

  private void checkFence(Optional<Fence> f) {
    if (f.isPresent()) {
      var kvs = Etcd.await("check fence", client.getKVClient().get(bytes(f.get().key()))).getKvs();
      if (kvs.isEmpty() || kvs.getFirst().getCreateRevision() != f.get().revision()) {
        throw new FenceLostException(f.get());
      }
    }
  }

  @Override
  public Versioned<Migration> create(Migration m) {
    ByteSequence key = bytes(Keys.migration(m.id()));
    ByteSequence lock = bytes(Keys.containerLock(m.containerId()));
    Optional<Fence> f = fence.get();
    TxnResponse r = Etcd.await("create migration " + m.id(), client.getKVClient().txn()
        .If(guarded(f, new Cmp(key, Cmp.Op.EQUAL, CmpTarget.version(0)),
            new Cmp(lock, Cmp.Op.EQUAL, CmpTarget.version(0))))
        .Then(Op.put(key, ByteSequence.from(MigrationCodec.encode(m)), PutOption.DEFAULT),
            Op.put(lock, bytes(m.id()), PutOption.DEFAULT))
        .Else(Op.get(lock, GetOption.DEFAULT))
        .commit());
    if (!r.isSucceeded()) {
      checkFence(f);
      List<KeyValue> holder = r.getGetResponses().getFirst().getKvs();
      if (!holder.isEmpty()) {
        throw new ContainerBusyException(m.containerId(), text(holder.getFirst().getValue()));
      }
      throw new ConflictException(Keys.migration(m.id()), 0);
    }
    return new Versioned<>(m, r.getHeader().getRevision());
  }

  @Override
  public Versioned<Migration> update(Versioned<Migration> current, Migration next) {
    ByteSequence key = bytes(Keys.migration(next.id()));
    Op put = Op.put(key, ByteSequence.from(MigrationCodec.encode(next)), PutOption.DEFAULT);
    // The lock belongs to the one non-terminal migration of its container: this one.
    Op[] ops = next.phase().terminal()
        ? new Op[] {put, Op.delete(bytes(Keys.containerLock(next.containerId())), DeleteOption.DEFAULT)}
        : new Op[] {put};
    Optional<Fence> f = fence.get();
    TxnResponse r = Etcd.await("update migration " + next.id(), client.getKVClient().txn()
        .If(guarded(f, new Cmp(key, Cmp.Op.EQUAL, CmpTarget.modRevision(current.modRevision()))))
        .Then(ops)
        .commit());
    if (!r.isSucceeded()) {
      checkFence(f);
      throw new ConflictException(Keys.migration(next.id()), current.modRevision());
    }
    return new Versioned<>(next, r.getHeader().getRevision());
  }

  @Override
  public Optional<Versioned<Migration>> get(String id) {
    var r = Etcd.await("get migration " + id, client.getKVClient().get(bytes(Keys.migration(id))));
    return r.getKvs().stream().findFirst().map(EtcdMigrationStore::decode);
  }

  @Override
  public List<Versioned<Migration>> list() {
    var r = Etcd.await("list migrations", client.getKVClient().get(bytes(Keys.MIGRATIONS),
        GetOption.builder().isPrefix(true).build()));
    return r.getKvs().stream().map(EtcdMigrationStore::decode).toList();
  }

  @Override
  public Optional<String> lockHolder(String containerId) {
    var r = Etcd.await("get lock of " + containerId,
        client.getKVClient().get(bytes(Keys.containerLock(containerId))));
    return r.getKvs().stream().findFirst().map(kv -> text(kv.getValue()));
  }

  private static Versioned<Migration> decode(KeyValue kv) {
    return new Versioned<>(MigrationCodec.decode(kv.getValue().getBytes()), kv.getModRevision());
  }
}

package dev.ferry.coordinator.audit;

import static dev.ferry.coordinator.etcd.Etcd.await;
import static dev.ferry.coordinator.etcd.Etcd.bytes;

import dev.ferry.coordinator.etcd.Json;
import dev.ferry.security.audit.AuditRecord;
import dev.ferry.security.audit.AuditSink;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.options.DeleteOption;
import io.etcd.jetcd.options.GetOption;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The audit trail in etcd: one key per record under {@code /ferry/v1/audit/}, named by time so
 * keys sort oldest first, the newest {@code keep} kept (older ones trimmed as new ones arrive).
 * Writes are asynchronous: an audited call never waits on etcd.
 */
public final class EtcdAuditLog implements AuditSink {
  public static final String PREFIX = "/ferry/v1/audit/";
  private static final Logger log = LoggerFactory.getLogger(EtcdAuditLog.class);
  /** Trims once every so many writes, not on each (a count and a delete per record would double etcd's load). */
  private static final int TRIM_EVERY = 32;

  private final Client client;
  private final int keep;
  private final AtomicLong sequence = new AtomicLong();
  private final AtomicBoolean trimming = new AtomicBoolean();

  public EtcdAuditLog(Client client, int keep) {
    if (keep < 1) {
      throw new IllegalArgumentException("the audit log must keep at least one record, not " + keep);
    }
    this.client = client;
    this.keep = keep;
  }

  @Override
  public void record(AuditRecord r) {
    long n = sequence.incrementAndGet();
    // Nanoseconds since the epoch, zero-padded, then a per-process sequence: unique and time-ordered.
    String key = PREFIX + String.format("%020d-%08d", r.time().getEpochSecond() * 1_000_000_000L + r.time().getNano(), n % 100_000_000);
    client.getKVClient().put(bytes(key), Json.encode(StoredAudit.of(r))).whenComplete((ok, e) -> {
      if (e != null) {
        log.warn("cannot write audit record {} {} to etcd: {}", r.rpc(), r.identity(), e.toString());
      } else if (n % TRIM_EVERY == 0) {
        Thread.ofVirtual().name("audit-trim").start(this::trimQuietly); // blocks on etcd: not on jetcd's callback thread
      }
    });
  }

  /** The newest {@code limit} records, newest first. */
  public List<AuditRecord> newest(int limit) {
    var kvs = await("list audit records", client.getKVClient().get(bytes(PREFIX), GetOption.builder().isPrefix(true)
        .withSortField(GetOption.SortTarget.KEY).withSortOrder(GetOption.SortOrder.DESCEND).withLimit(limit).build())).getKvs();
    return kvs.stream().map(kv -> Json.decode(kv.getValue(), StoredAudit.class).toRecord()).toList();
  }

  /** Deletes the oldest records beyond {@code keep}. */
  private void trimQuietly() {
    if (!trimming.compareAndSet(false, true)) {
      return; // one at a time here; the next write's trim catches up
    }
    try {
      trim();
    } catch (RuntimeException e) { // the next trim catches up
      log.warn("cannot trim the audit records in etcd: {}", e.toString());
    } finally {
      trimming.set(false);
    }
  }

  /**
   * Deletes every record older than the newest {@code keep}. The cut is the oldest key kept, read
   * in the same step that decides it, so trims that overlap (two writes, two coordinators) can
   * only cut older records: counting and then deleting the oldest count-keep, as this did, let a
   * trim that counted before another one deleted cut into, or all of, the newest records.
   */
  public void trim() {
    long count = await("count audit records", client.getKVClient().get(bytes(PREFIX),
        GetOption.builder().isPrefix(true).withCountOnly(true).build())).getCount();
    if (count <= keep) {
      return;
    }
    List<KeyValue> kept = await("find the audit records to keep", client.getKVClient().get(bytes(PREFIX), GetOption.builder()
        .isPrefix(true).withKeysOnly(true).withSortField(GetOption.SortTarget.KEY).withSortOrder(GetOption.SortOrder.DESCEND)
        .withLimit(keep).build())).getKvs();
    if (kept.size() < keep) {
      return; // another trim got here first
    }
    // [PREFIX, oldest kept): the range end is exclusive.
    await("trim audit records", client.getKVClient().delete(bytes(PREFIX),
        DeleteOption.builder().withRange(kept.getLast().getKey()).build()));
  }
}

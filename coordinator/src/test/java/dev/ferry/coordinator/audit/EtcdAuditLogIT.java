package dev.ferry.coordinator.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ferry.coordinator.etcd.Etcd;
import dev.ferry.coordinator.testkit.EtcdExtension;
import dev.ferry.coordinator.testkit.Timing;
import dev.ferry.security.audit.AuditRecord;
import io.etcd.jetcd.options.GetOption;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The audit trail against a real etcd: layout, order, and bounded retention. */
class EtcdAuditLogIT {
  @RegisterExtension
  static final EtcdExtension etcd = new EtcdExtension();

  private static AuditRecord record(int i) {
    return new AuditRecord(Instant.parse("2026-01-01T00:00:00Z").plusMillis(i), "operator/alice", "ferry.v1.Coordinator/Migrate",
        "ct" + i, List.of("nodeA", "nodeB"), "m-" + i, "OK", "", "coordinator");
  }

  private long stored() {
    return Etcd.await("count", etcd.client().getKVClient().get(Etcd.bytes(EtcdAuditLog.PREFIX),
        GetOption.builder().isPrefix(true).withCountOnly(true).build())).getCount();
  }

  @Test
  void recordsAreReadBackNewestFirstWithEveryField() {
    EtcdAuditLog log = new EtcdAuditLog(etcd.client(), 100);
    for (int i = 0; i < 3; i++) {
      log.record(record(i));
    }
    await().atMost(Timing.seconds(10)).until(() -> stored() == 3);
    assertThat(log.newest(2)).containsExactly(record(2), record(1));
    String json = Etcd.text(Etcd.await("get", etcd.client().getKVClient().get(Etcd.bytes(EtcdAuditLog.PREFIX),
        GetOption.builder().isPrefix(true).withLimit(1).build())).getKvs().getFirst().getValue());
    assertThat(json).contains("\"identity\":\"operator/alice\"", "\"rpc\":\"ferry.v1.Coordinator/Migrate\"", "\"containerId\":\"ct0\"",
        "\"outcome\":\"OK\"");
  }

  @Test
  void keepsOnlyTheNewestRecords() {
    EtcdAuditLog log = new EtcdAuditLog(etcd.client(), 10);
    for (int i = 0; i < 70; i++) {
      log.record(record(i));
    }
    // Generous: right after etcd starts, jetcd's first calls can sit in its retry backoff for over 10 s (seen in CI).
    await().atMost(Timing.seconds(90)).until(() -> log.newest(1).equals(List.of(record(69))));
    log.trim();
    assertThat(stored()).isEqualTo(10);
    assertThat(log.newest(100)).extracting(AuditRecord::containerId).first().isEqualTo("ct69");
    assertThat(log.newest(100)).extracting(AuditRecord::containerId).last().isEqualTo("ct60");
  }

  @Test
  void trimsAtOnceNeverCutIntoTheNewestRecords() throws Exception {
    EtcdAuditLog writer = new EtcdAuditLog(etcd.client(), 1000); // its own trims find nothing to cut
    for (int i = 0; i < 70; i++) {
      writer.record(record(1000 + i));
    }
    await().atMost(Timing.seconds(90)).until(() -> writer.newest(1).equals(List.of(record(1069))));
    try {
      // Two writes or two coordinators trimming at once: counting, then deleting the oldest
      // count-keep, let a trim that counted before another had deleted cut the newest records too.
      EtcdAuditLog trimmer = new EtcdAuditLog(etcd.client(), 10);
      try (var trims = Executors.newVirtualThreadPerTaskExecutor()) {
        for (int t = 0; t < 8; t++) {
          trims.submit(trimmer::trim);
        }
      }
      assertThat(trimmer.newest(100)).extracting(AuditRecord::containerId)
          .containsExactly("ct1069", "ct1068", "ct1067", "ct1066", "ct1065", "ct1064", "ct1063", "ct1062", "ct1061", "ct1060");
    } finally {
      Etcd.await("clean up", etcd.client().getKVClient().delete(Etcd.bytes(EtcdAuditLog.PREFIX),
          io.etcd.jetcd.options.DeleteOption.builder().isPrefix(true).build()));
    }
  }

  @Test
  void theServiceValidatesItsLimit() {
    var service = new AuditService(new EtcdAuditLog(etcd.client(), 10));
    var errors = new java.util.ArrayList<Throwable>();
    service.listAudit(dev.ferry.proto.v1.ListAuditRequest.newBuilder().setLimit(5000).build(), new io.grpc.stub.StreamObserver<>() {
      @Override
      public void onNext(dev.ferry.proto.v1.ListAuditResponse value) {}

      @Override
      public void onError(Throwable t) {
        errors.add(t);
      }

      @Override
      public void onCompleted() {}
    });
    assertThat(errors).singleElement().satisfies(e -> assertThat(e).hasMessageContaining("INVALID_ARGUMENT", "limit must be"));
  }
}

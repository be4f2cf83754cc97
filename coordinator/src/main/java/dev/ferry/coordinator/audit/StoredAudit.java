package dev.ferry.coordinator.audit;

import dev.ferry.security.audit.AuditRecord;
import java.time.Instant;
import java.util.List;

/** An audit record as JSON in etcd. */
record StoredAudit(Instant time, String identity, String rpc, String containerId, List<String> nodes, String migrationId,
    String outcome, String detail, String recordedBy) {
  static StoredAudit of(AuditRecord r) {
    return new StoredAudit(r.time(), r.identity(), r.rpc(), r.containerId(), r.nodes(), r.migrationId(), r.outcome(), r.detail(),
        r.recordedBy());
  }

  AuditRecord toRecord() {
    return new AuditRecord(time, identity, rpc, containerId, nodes == null ? List.of() : nodes, migrationId, outcome, detail, recordedBy);
  }
}

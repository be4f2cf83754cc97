package dev.ferry.security.audit;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/** One audited call: who, what (RPC, container, nodes, migration), when, and how it ended. */
public record AuditRecord(Instant time, String identity, String rpc, String containerId, List<String> nodes,
    String migrationId, String outcome, String detail, String recordedBy) {
  public AuditRecord {
    Objects.requireNonNull(time, "time");
    Objects.requireNonNull(identity, "identity");
    Objects.requireNonNull(rpc, "rpc");
    containerId = Objects.requireNonNullElse(containerId, "");
    nodes = List.copyOf(nodes);
    migrationId = Objects.requireNonNullElse(migrationId, "");
    Objects.requireNonNull(outcome, "outcome");
    detail = Objects.requireNonNullElse(detail, "");
    recordedBy = Objects.requireNonNullElse(recordedBy, "");
  }
}

package dev.ferry.coordinator.audit;

import com.google.protobuf.Timestamp;
import dev.ferry.proto.v1.AuditEntry;
import dev.ferry.proto.v1.AuditGrpc;
import dev.ferry.proto.v1.ListAuditRequest;
import dev.ferry.proto.v1.ListAuditResponse;
import dev.ferry.security.audit.AuditRecord;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;

/** {@code ferry.v1.Audit}: reads the audit trail for `migrate audit`. */
public final class AuditService extends AuditGrpc.AuditImplBase {
  static final int DEFAULT_LIMIT = 50;
  static final int MAX_LIMIT = 1000;

  private final EtcdAuditLog log;

  public AuditService(EtcdAuditLog log) {
    this.log = log;
  }

  @Override
  public void listAudit(ListAuditRequest request, StreamObserver<ListAuditResponse> response) {
    if (request.getLimit() < 0 || request.getLimit() > MAX_LIMIT) {
      response.onError(Status.INVALID_ARGUMENT.withDescription("limit must be 0 (default " + DEFAULT_LIMIT + ") to " + MAX_LIMIT
          + ", was " + request.getLimit()).asRuntimeException());
      return;
    }
    int limit = request.getLimit() == 0 ? DEFAULT_LIMIT : request.getLimit();
    try {
      var entries = log.newest(limit).stream().map(AuditService::toProto).toList();
      response.onNext(ListAuditResponse.newBuilder().addAllEntries(entries).build());
      response.onCompleted();
    } catch (RuntimeException e) {
      response.onError(Status.UNAVAILABLE.withDescription("cannot read the audit trail from etcd: " + e.getMessage()).asRuntimeException());
    }
  }

  static AuditEntry toProto(AuditRecord r) {
    return AuditEntry.newBuilder()
        .setTime(Timestamp.newBuilder().setSeconds(r.time().getEpochSecond()).setNanos(r.time().getNano()))
        .setIdentity(r.identity()).setRpc(r.rpc()).setContainerId(r.containerId()).addAllNodes(r.nodes())
        .setMigrationId(r.migrationId()).setOutcome(r.outcome()).setDetail(r.detail()).setRecordedBy(r.recordedBy()).build();
  }
}

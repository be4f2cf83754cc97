package dev.ferry.cli;

import dev.ferry.proto.v1.CancelMigrationRequest;
import dev.ferry.proto.v1.ContainerInfo;
import dev.ferry.proto.v1.CoordinatorGrpc;
import dev.ferry.proto.v1.CoordinatorGrpc.CoordinatorBlockingStub;
import dev.ferry.proto.v1.DrainRequest;
import dev.ferry.proto.v1.DrainResult;
import dev.ferry.proto.v1.EvacuateRequest;
import dev.ferry.proto.v1.Evacuation;
import dev.ferry.proto.v1.GetEvacuationRequest;
import dev.ferry.proto.v1.GetMigrationRequest;
import dev.ferry.proto.v1.ListClusterContainersRequest;
import dev.ferry.proto.v1.ListNodesRequest;
import dev.ferry.proto.v1.MigrateRequest;
import dev.ferry.proto.v1.Migration;
import dev.ferry.proto.v1.MigrationEvent;
import dev.ferry.proto.v1.Node;
import dev.ferry.proto.v1.UncordonRequest;
import dev.ferry.proto.v1.WatchMigrationRequest;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The CLI's only door to the coordinator. Every unary call gets the {@code --timeout} deadline; every
 * RPC error leaves as a {@link CliFailure} already phrased by {@link CliErrors}.
 */
final class CoordinatorClient implements AutoCloseable {
  private final ManagedChannel channel;
  private final String target;
  private final Duration timeout;

  CoordinatorClient(ManagedChannel channel, String target, Duration timeout) {
    this.channel = channel;
    this.target = target;
    this.timeout = timeout;
  }

  String target() {
    return target;
  }

  Migration migrate(MigrateRequest request) {
    return call(() -> unary(timeout).migrate(request));
  }

  Migration migration(String id) {
    return call(() -> unary(timeout).getMigration(GetMigrationRequest.newBuilder().setMigrationId(id).build()));
  }

  Migration cancel(String id, String reason) {
    var request = CancelMigrationRequest.newBuilder().setMigrationId(id).setReason(reason).build();
    return call(() -> unary(timeout).cancelMigration(request));
  }

  Evacuation evacuate(EvacuateRequest request) {
    return call(() -> unary(timeout).evacuate(request));
  }

  Evacuation evacuation(String id) {
    return call(() -> unary(timeout).getEvacuation(GetEvacuationRequest.newBuilder().setEvacuationId(id).build()));
  }

  /** A drain waits on the coordinator for up to {@code wait}, so the deadline is that plus the usual one. */
  DrainResult drain(DrainRequest request, Duration wait) {
    return call(() -> unary(timeout.plus(wait)).drain(request));
  }

  Node uncordon(String node) {
    return call(() -> unary(timeout).uncordon(UncordonRequest.newBuilder().setNode(node).build()));
  }

  List<dev.ferry.proto.v1.AuditEntry> audit(int limit) {
    var request = dev.ferry.proto.v1.ListAuditRequest.newBuilder().setLimit(limit).build();
    return call(() -> dev.ferry.proto.v1.AuditGrpc.newBlockingStub(channel).withDeadlineAfter(timeout.toMillis(), TimeUnit.MILLISECONDS)
        .listAudit(request).getEntriesList());
  }

  List<Node> nodes() {
    return call(() -> unary(timeout).listNodes(ListNodesRequest.getDefaultInstance()).getNodesList());
  }

  List<ContainerInfo> containers(String node) {
    var request = ListClusterContainersRequest.newBuilder().setNode(node).build();
    return call(() -> unary(timeout).listContainers(request).getContainersList());
  }

  /**
   * Streams events until the server ends the stream. No deadline: a migration may legitimately take
   * longer than any per-call timeout; closing the client cancels the stream.
   */
  Iterator<MigrationEvent> watch(String migrationId) {
    var request = WatchMigrationRequest.newBuilder().setMigrationId(migrationId).build();
    Iterator<MigrationEvent> events = call(() -> CoordinatorGrpc.newBlockingStub(channel).watchMigration(request));
    return new Iterator<>() {
      @Override
      public boolean hasNext() {
        return call(events::hasNext);
      }

      @Override
      public MigrationEvent next() {
        return call(events::next);
      }
    };
  }

  private CoordinatorBlockingStub unary(Duration deadline) {
    return CoordinatorGrpc.newBlockingStub(channel).withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS);
  }

  private <T> T call(Supplier<T> rpc) {
    try {
      return rpc.get();
    } catch (StatusRuntimeException e) {
      throw CliErrors.fromRpc(e, target);
    }
  }

  @Override
  public void close() {
    channel.shutdownNow();
    try {
      channel.awaitTermination(2, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}

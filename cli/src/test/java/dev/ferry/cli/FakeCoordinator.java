package dev.ferry.cli;

import com.google.protobuf.Any;
import dev.ferry.proto.v1.CancelMigrationRequest;
import dev.ferry.proto.v1.ContainerInfo;
import dev.ferry.proto.v1.CoordinatorGrpc;
import dev.ferry.proto.v1.DrainRequest;
import dev.ferry.proto.v1.DrainResult;
import dev.ferry.proto.v1.EvacuateRequest;
import dev.ferry.proto.v1.Evacuation;
import dev.ferry.proto.v1.FerryError;
import dev.ferry.proto.v1.GetEvacuationRequest;
import dev.ferry.proto.v1.GetMigrationRequest;
import dev.ferry.proto.v1.ListClusterContainersRequest;
import dev.ferry.proto.v1.ListClusterContainersResponse;
import dev.ferry.proto.v1.ListNodesRequest;
import dev.ferry.proto.v1.ListNodesResponse;
import dev.ferry.proto.v1.MigrateRequest;
import dev.ferry.proto.v1.Migration;
import dev.ferry.proto.v1.MigrationEvent;
import dev.ferry.proto.v1.Node;
import dev.ferry.proto.v1.ReasonCode;
import dev.ferry.proto.v1.UncordonRequest;
import dev.ferry.proto.v1.WatchMigrationRequest;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import io.grpc.stub.StreamObserver;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A scripted stand-in for the coordinator at the gRPC boundary, for the CLI's unit tests: it records
 * requests and answers with what the test set up (responses, event streams, errors).
 */
final class FakeCoordinator extends CoordinatorGrpc.CoordinatorImplBase {
  final List<Object> requests = new CopyOnWriteArrayList<>();
  final Map<String, Migration> migrations = new HashMap<>();
  final Map<String, List<MigrationEvent>> streams = new HashMap<>();
  /** Errors the next WatchMigration calls fail with, one per call, before streams are served. */
  final Deque<StatusRuntimeException> watchFailures = new ArrayDeque<>();
  final Deque<Evacuation> evacuationSteps = new ArrayDeque<>();
  final List<Node> nodes = new ArrayList<>();
  final List<ContainerInfo> containers = new ArrayList<>();
  Migration migrateAnswer;
  DrainResult drainAnswer;
  /** When set, every unary call fails with it. */
  StatusRuntimeException failure;
  int watchCalls;

  static StatusRuntimeException error(Status.Code code, ReasonCode reason, String message) {
    var status = com.google.rpc.Status.newBuilder()
        .setCode(code.value())
        .setMessage(message)
        .addDetails(Any.pack(FerryError.newBuilder().setReason(reason).setMessage(message).build()))
        .build();
    return StatusProto.toStatusRuntimeException(status);
  }

  <T> List<T> requests(Class<T> type) {
    return requests.stream().filter(type::isInstance).map(type::cast).toList();
  }

  @Override
  public void migrate(MigrateRequest request, StreamObserver<Migration> response) {
    answer(request, response, migrateAnswer);
  }

  @Override
  public void getMigration(GetMigrationRequest request, StreamObserver<Migration> response) {
    Migration m = migrations.get(request.getMigrationId());
    if (m == null && failure == null) {
      response.onError(error(Status.Code.NOT_FOUND, ReasonCode.INVALID_ARGUMENT,
          "no migration " + request.getMigrationId()));
      return;
    }
    answer(request, response, m);
  }

  @Override
  public void watchMigration(WatchMigrationRequest request, StreamObserver<MigrationEvent> response) {
    requests.add(request);
    watchCalls++;
    if (!watchFailures.isEmpty()) {
      response.onError(watchFailures.pop());
      return;
    }
    streams.getOrDefault(request.getMigrationId(), List.of()).forEach(response::onNext);
    response.onCompleted();
  }

  @Override
  public void cancelMigration(CancelMigrationRequest request, StreamObserver<Migration> response) {
    answer(request, response, migrations.get(request.getMigrationId()));
  }

  @Override
  public void evacuate(EvacuateRequest request, StreamObserver<Evacuation> response) {
    answer(request, response, evacuationSteps.pop());
  }

  @Override
  public void getEvacuation(GetEvacuationRequest request, StreamObserver<Evacuation> response) {
    answer(request, response, evacuationSteps.pop());
  }

  @Override
  public void drain(DrainRequest request, StreamObserver<DrainResult> response) {
    answer(request, response, drainAnswer);
  }

  @Override
  public void uncordon(UncordonRequest request, StreamObserver<Node> response) {
    answer(request, response, nodes.stream().filter(n -> n.getName().equals(request.getNode())).findFirst()
        .map(n -> n.toBuilder().setCordoned(false).build()).orElse(null));
  }

  @Override
  public void listNodes(ListNodesRequest request, StreamObserver<ListNodesResponse> response) {
    answer(request, response, ListNodesResponse.newBuilder().addAllNodes(nodes).build());
  }

  @Override
  public void listContainers(ListClusterContainersRequest request, StreamObserver<ListClusterContainersResponse> response) {
    var matching = containers.stream().filter(c -> request.getNode().isEmpty() || c.getNode().equals(request.getNode()));
    answer(request, response, ListClusterContainersResponse.newBuilder().addAllContainers(matching.toList()).build());
  }

  private <T> void answer(Object request, StreamObserver<T> response, T answer) {
    requests.add(request);
    if (failure != null) {
      response.onError(failure);
    } else if (answer == null) {
      response.onError(Status.NOT_FOUND.withDescription("nothing scripted for " + request).asRuntimeException());
    } else {
      response.onNext(answer);
      response.onCompleted();
    }
  }
}

package dev.ferry.coordinator.grpc;

import com.google.protobuf.Any;
import dev.ferry.coordinator.fsm.IllegalTransitionException;
import dev.ferry.coordinator.fsm.Reason;
import dev.ferry.coordinator.ipam.AddressNotHeldException;
import dev.ferry.coordinator.ipam.NetworkExhaustedException;
import dev.ferry.coordinator.ipam.NetworkMismatchException;
import dev.ferry.coordinator.leader.NotLeaderException;
import dev.ferry.coordinator.placement.NoTargetException;
import dev.ferry.coordinator.placement.TargetRejectedException;
import dev.ferry.coordinator.registry.UnknownContainerException;
import dev.ferry.coordinator.registry.UnknownNodeException;
import dev.ferry.coordinator.service.RequestRejectedException;
import dev.ferry.coordinator.service.UnknownMigrationException;
import dev.ferry.coordinator.store.ConflictException;
import dev.ferry.coordinator.store.ContainerBusyException;
import dev.ferry.coordinator.store.StoreUnavailableException;
import dev.ferry.proto.v1.FerryError;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one table from domain exceptions to gRPC status codes, with a FerryError (stable reason,
 * message, retryable) in the google.rpc.Status details. Anything not listed is INTERNAL.
 */
public final class GrpcErrors {
  private static final Logger log = LoggerFactory.getLogger(GrpcErrors.class);

  private GrpcErrors() {}

  record Mapping(Status.Code code, Reason reason, boolean retryable) {}

  static Mapping map(Throwable e) {
    return switch (e) {
      case RequestRejectedException r -> byReason(r.reason());
      case TargetRejectedException r -> byReason(r.reason());
      case UnknownNodeException u -> new Mapping(Status.Code.NOT_FOUND, Reason.NODE_NOT_FOUND, false);
      case UnknownContainerException u -> new Mapping(Status.Code.NOT_FOUND, Reason.CONTAINER_NOT_FOUND, false);
      case UnknownMigrationException u -> new Mapping(Status.Code.NOT_FOUND, Reason.MIGRATION_NOT_FOUND, false);
      case ContainerBusyException b -> new Mapping(Status.Code.FAILED_PRECONDITION, Reason.MIGRATION_IN_PROGRESS, false);
      case NoTargetException n -> new Mapping(Status.Code.FAILED_PRECONDITION, Reason.INSUFFICIENT_RESOURCES, false);
      case NetworkExhaustedException x -> new Mapping(Status.Code.RESOURCE_EXHAUSTED, Reason.INSUFFICIENT_RESOURCES,
          false);
      case AddressNotHeldException a -> new Mapping(Status.Code.PERMISSION_DENIED, Reason.PERMISSION_DENIED, false);
      case NetworkMismatchException n -> new Mapping(Status.Code.FAILED_PRECONDITION, Reason.INVALID_ARGUMENT, false);
      case IllegalTransitionException i -> new Mapping(Status.Code.FAILED_PRECONDITION, Reason.INVALID_ARGUMENT, false);
      case NotLeaderException n -> new Mapping(Status.Code.UNAVAILABLE, Reason.NOT_LEADER, true);
      case dev.ferry.coordinator.store.FenceLostException f -> new Mapping(Status.Code.UNAVAILABLE, Reason.NOT_LEADER, true);
      case StoreUnavailableException s -> new Mapping(Status.Code.UNAVAILABLE, Reason.INTERNAL_ERROR, true);
      case ConflictException c -> new Mapping(Status.Code.ABORTED, Reason.INTERNAL_ERROR, true);
      case IllegalArgumentException i -> new Mapping(Status.Code.INVALID_ARGUMENT, Reason.INVALID_ARGUMENT, false);
      default -> new Mapping(Status.Code.INTERNAL, Reason.INTERNAL_ERROR, false);
    };
  }

  private static Mapping byReason(Reason r) {
    Status.Code code = switch (r) {
      case INVALID_ARGUMENT -> Status.Code.INVALID_ARGUMENT;
      case CONTAINER_NOT_FOUND, NODE_NOT_FOUND, MIGRATION_NOT_FOUND -> Status.Code.NOT_FOUND;
      case NOT_LEADER, TARGET_UNREACHABLE, SOURCE_UNREACHABLE -> Status.Code.UNAVAILABLE;
      case PERMISSION_DENIED -> Status.Code.PERMISSION_DENIED;
      case INTERNAL_ERROR -> Status.Code.INTERNAL;
      default -> Status.Code.FAILED_PRECONDITION;
    };
    return new Mapping(code, r, code == Status.Code.UNAVAILABLE);
  }

  public static StatusRuntimeException toStatus(Throwable e) {
    Mapping m = map(e);
    String message = m.code() == Status.Code.INTERNAL
        ? "internal error: " + e.getClass().getSimpleName() + ": " + e.getMessage() : e.getMessage();
    if (m.code() == Status.Code.INTERNAL) {
      log.error("unexpected failure", e);
    }
    FerryError detail = FerryError.newBuilder().setReason(AgentMapper.reason(m.reason()))
        .setMessage(message == null ? "" : message).setRetryable(m.retryable()).build();
    com.google.rpc.Status status = com.google.rpc.Status.newBuilder().setCode(m.code().value())
        .setMessage(message == null ? "" : message).addDetails(Any.pack(detail)).build();
    return StatusProto.toStatusRuntimeException(status);
  }
}

package dev.ferry.transfer.grpc;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.ferry.proto.v1.FerryError;
import dev.ferry.proto.v1.Phase;
import dev.ferry.proto.v1.ReasonCode;
import dev.ferry.transfer.FailureReason;
import dev.ferry.transfer.TransferException;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;

/** The one table between transfer failures and gRPC statuses (with a FerryError in the details). */
final class GrpcErrors {
  private GrpcErrors() {}

  private record Mapping(Status.Code code, ReasonCode reason) {}

  private static Mapping mapping(FailureReason r) {
    return switch (r) {
      case INVALID_ARGUMENT -> new Mapping(Status.Code.INVALID_ARGUMENT, ReasonCode.INVALID_ARGUMENT);
      case PERMISSION_DENIED -> new Mapping(Status.Code.PERMISSION_DENIED, ReasonCode.PERMISSION_DENIED);
      case IMAGE_CHECKSUM_MISMATCH -> new Mapping(Status.Code.DATA_LOSS, ReasonCode.IMAGE_CHECKSUM_MISMATCH);
      case DISK_FULL -> new Mapping(Status.Code.RESOURCE_EXHAUSTED, ReasonCode.DISK_FULL);
      case FAILED_PRECONDITION -> new Mapping(Status.Code.FAILED_PRECONDITION, ReasonCode.TRANSFER_FAILED);
      case TRANSFER_FAILED -> new Mapping(Status.Code.UNAVAILABLE, ReasonCode.TRANSFER_FAILED);
      case TIMEOUT -> new Mapping(Status.Code.DEADLINE_EXCEEDED, ReasonCode.TIMEOUT);
      case CANCELLED -> new Mapping(Status.Code.CANCELLED, ReasonCode.CANCELLED);
      case INTERNAL_ERROR -> new Mapping(Status.Code.INTERNAL, ReasonCode.INTERNAL_ERROR);
    };
  }

  static StatusRuntimeException toStatus(Throwable t) {
    TransferException e = t instanceof TransferException te ? te
        : new TransferException(FailureReason.INTERNAL_ERROR, "internal error: " + t, false, t);
    Mapping m = mapping(e.reason());
    FerryError error = FerryError.newBuilder().setPhase(Phase.PHASE_TRANSFER).setReason(m.reason())
        .setMessage(String.valueOf(e.getMessage())).setRetryable(e.retryable()).build();
    com.google.rpc.Status status = com.google.rpc.Status.newBuilder().setCode(m.code().value())
        .setMessage(String.valueOf(e.getMessage())).addDetails(Any.pack(error)).build();
    return StatusProto.toStatusRuntimeException(status);
  }

  /** What a failed call means for the sender: the receiver's own verdict if it sent one. */
  static TransferException fromThrowable(Throwable t, String peer) {
    if (t instanceof TransferException te) {
      return te;
    }
    com.google.rpc.Status status = StatusProto.fromThrowable(t);
    if (status != null) {
      for (Any detail : status.getDetailsList()) {
        if (detail.is(FerryError.class)) {
          try {
            FerryError e = detail.unpack(FerryError.class);
            return new TransferException(reasonOf(e.getReason()), e.getMessage(), e.getRetryable(), t);
          } catch (InvalidProtocolBufferException ignored) {
            // fall through to the status code
          }
        }
      }
    }
    Status s = Status.fromThrowable(t);
    String message = peer + ": " + s.getCode() + (s.getDescription() == null ? "" : " " + s.getDescription());
    return switch (s.getCode()) {
      case UNAVAILABLE, CANCELLED, UNKNOWN, ABORTED, INTERNAL ->
          new TransferException(FailureReason.TRANSFER_FAILED, "connection to " + message, true, t);
      case DEADLINE_EXCEEDED -> new TransferException(FailureReason.TIMEOUT, message, true, t);
      case PERMISSION_DENIED, UNAUTHENTICATED -> new TransferException(FailureReason.PERMISSION_DENIED, message, false, t);
      case INVALID_ARGUMENT -> new TransferException(FailureReason.INVALID_ARGUMENT, message, false, t);
      case RESOURCE_EXHAUSTED -> new TransferException(FailureReason.DISK_FULL, message, false, t);
      case DATA_LOSS -> new TransferException(FailureReason.IMAGE_CHECKSUM_MISMATCH, message, false, t);
      default -> new TransferException(FailureReason.FAILED_PRECONDITION, message, false, t);
    };
  }

  private static FailureReason reasonOf(ReasonCode code) {
    return switch (code) {
      case INVALID_ARGUMENT -> FailureReason.INVALID_ARGUMENT;
      case PERMISSION_DENIED -> FailureReason.PERMISSION_DENIED;
      case IMAGE_CHECKSUM_MISMATCH -> FailureReason.IMAGE_CHECKSUM_MISMATCH;
      case DISK_FULL -> FailureReason.DISK_FULL;
      case TIMEOUT -> FailureReason.TIMEOUT;
      case CANCELLED -> FailureReason.CANCELLED;
      case INTERNAL_ERROR -> FailureReason.INTERNAL_ERROR;
      default -> FailureReason.TRANSFER_FAILED;
    };
  }
}

package dev.ferry.agent.grpc;

import com.google.protobuf.Any;
import dev.ferry.agent.AgentException;
import dev.ferry.agent.FailureReason;
import dev.ferry.proto.v1.FerryError;
import dev.ferry.proto.v1.Phase;
import dev.ferry.proto.v1.ReasonCode;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one table from agent failures to gRPC status codes and Ferry reason codes. The
 * structured {@link FerryError} travels in the status details; anything this table does not
 * know becomes INTERNAL.
 */
public final class GrpcErrors {
  private static final Logger log = LoggerFactory.getLogger(GrpcErrors.class);

  private record Mapping(Status.Code code, ReasonCode reason, boolean retryable) {}

  private static final Map<FailureReason, Mapping> TABLE = Map.ofEntries(
      Map.entry(FailureReason.INVALID_ARGUMENT, new Mapping(Status.Code.INVALID_ARGUMENT, ReasonCode.INVALID_ARGUMENT, false)),
      Map.entry(FailureReason.CONTAINER_NOT_FOUND, new Mapping(Status.Code.NOT_FOUND, ReasonCode.CONTAINER_NOT_FOUND, false)),
      Map.entry(FailureReason.CONTAINER_EXISTS, new Mapping(Status.Code.ALREADY_EXISTS, ReasonCode.CONTAINER_EXISTS, false)),
      Map.entry(FailureReason.WRONG_STATE, new Mapping(Status.Code.FAILED_PRECONDITION, ReasonCode.CONTAINER_WRONG_STATE, false)),
      Map.entry(FailureReason.CAPABILITY_MISSING, new Mapping(Status.Code.FAILED_PRECONDITION, ReasonCode.CAPABILITY_MISSING, false)),
      Map.entry(FailureReason.NOT_CHECKPOINTABLE, new Mapping(Status.Code.FAILED_PRECONDITION, ReasonCode.NOT_CHECKPOINTABLE, false)),
      Map.entry(FailureReason.CRIU_PREDUMP_FAILED, new Mapping(Status.Code.ABORTED, ReasonCode.CRIU_PREDUMP_FAILED, true)),
      Map.entry(FailureReason.CRIU_DUMP_FAILED, new Mapping(Status.Code.ABORTED, ReasonCode.CRIU_DUMP_FAILED, true)),
      Map.entry(FailureReason.CRIU_RESTORE_FAILED, new Mapping(Status.Code.ABORTED, ReasonCode.CRIU_RESTORE_FAILED, true)),
      Map.entry(FailureReason.CONTAINER_RUNTIME_FAILED, new Mapping(Status.Code.INTERNAL, ReasonCode.CONTAINER_RUNTIME_FAILED, false)),
      Map.entry(FailureReason.STALE_EPOCH, new Mapping(Status.Code.FAILED_PRECONDITION, ReasonCode.STALE_EPOCH, false)),
      Map.entry(FailureReason.TRANSFER_FAILED, new Mapping(Status.Code.UNAVAILABLE, ReasonCode.TRANSFER_FAILED, true)),
      Map.entry(FailureReason.IMAGE_CHECKSUM_MISMATCH, new Mapping(Status.Code.DATA_LOSS, ReasonCode.IMAGE_CHECKSUM_MISMATCH, true)),
      Map.entry(FailureReason.DISK_FULL, new Mapping(Status.Code.RESOURCE_EXHAUSTED, ReasonCode.DISK_FULL, false)),
      Map.entry(FailureReason.PERMISSION_DENIED, new Mapping(Status.Code.PERMISSION_DENIED, ReasonCode.PERMISSION_DENIED, false)),
      Map.entry(FailureReason.NETWORK_SETUP_FAILED, new Mapping(Status.Code.INTERNAL, ReasonCode.NETWORK_SETUP_FAILED, false)),
      Map.entry(FailureReason.INTERNAL_ERROR, new Mapping(Status.Code.INTERNAL, ReasonCode.INTERNAL_ERROR, false)));

  private GrpcErrors() {}

  public static StatusRuntimeException toStatus(Throwable t, Phase phase, String node) {
    if (t instanceof StatusRuntimeException sre) {
      return sre;
    }
    Mapping m;
    String message = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    String criuLog = "";
    if (t instanceof AgentException ae) {
      m = TABLE.getOrDefault(ae.reason(), new Mapping(Status.Code.INTERNAL, ReasonCode.INTERNAL_ERROR, false));
      criuLog = ae.criuLogTail();
    } else if (t instanceof IllegalArgumentException) {
      m = TABLE.get(FailureReason.INVALID_ARGUMENT);
    } else {
      log.error("unexpected failure in phase {}", phase, t);
      m = new Mapping(Status.Code.INTERNAL, ReasonCode.INTERNAL_ERROR, false);
    }
    FerryError error = FerryError.newBuilder().setPhase(phase).setReason(m.reason()).setMessage(message)
        .setCriuLogTail(criuLog).setNode(node).setRetryable(m.retryable()).build();
    com.google.rpc.Status status = com.google.rpc.Status.newBuilder().setCode(m.code().value())
        .setMessage(m.reason().name() + ": " + message).addDetails(Any.pack(error)).build();
    return StatusProto.toStatusRuntimeException(status);
  }

  /** The FerryError carried by a status, if any (clients use it to show reason codes and CRIU logs). */
  public static java.util.Optional<FerryError> ferryError(Throwable t) {
    com.google.rpc.Status status = StatusProto.fromThrowable(t);
    if (status == null) {
      return java.util.Optional.empty();
    }
    return status.getDetailsList().stream().filter(a -> a.is(FerryError.class)).findFirst().map(a -> {
      try {
        return a.unpack(FerryError.class);
      } catch (com.google.protobuf.InvalidProtocolBufferException e) {
        throw new IllegalStateException(e);
      }
    });
  }
}

package dev.ferry.agent;

/** Why an agent operation failed; mapped to ferry.v1.ReasonCode and a gRPC status at the edge. */
public enum FailureReason {
  INVALID_ARGUMENT,
  CONTAINER_NOT_FOUND,
  CONTAINER_EXISTS,
  WRONG_STATE,
  CAPABILITY_MISSING,
  NOT_CHECKPOINTABLE,
  CRIU_PREDUMP_FAILED,
  CRIU_DUMP_FAILED,
  CRIU_RESTORE_FAILED,
  CONTAINER_RUNTIME_FAILED,
  STALE_EPOCH,
  INTERNAL_ERROR
}

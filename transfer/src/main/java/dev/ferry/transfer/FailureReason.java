package dev.ferry.transfer;

/** Why a transfer failed; mirrors the stable ferry.v1.ReasonCode values the transfer can produce. */
public enum FailureReason {
  /** A malformed request or entry: bad path, bad frame order, unknown file. */
  INVALID_ARGUMENT,
  /** Admission refused, or a path tried to leave the migration's directory. */
  PERMISSION_DENIED,
  /** A chunk checksum, a decompression or a whole-file hash did not match. */
  IMAGE_CHECKSUM_MISMATCH,
  /** Not enough free disk before accepting, or the disk filled while writing. */
  DISK_FULL,
  /** The request conflicts with what the receiver holds (destination exists, files missing). */
  FAILED_PRECONDITION,
  /** The connection broke or the peer is unreachable; retrying may help. */
  TRANSFER_FAILED,
  TIMEOUT,
  CANCELLED,
  INTERNAL_ERROR
}

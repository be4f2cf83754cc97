package dev.ferry.transfer;

import java.util.Objects;

/** A transfer failure with a stable reason and a sentence for humans. */
public class TransferException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final FailureReason reason;
  private final boolean retryable;

  public TransferException(FailureReason reason, String message, boolean retryable, Throwable cause) {
    super(message, cause);
    this.reason = Objects.requireNonNull(reason, "reason");
    this.retryable = retryable;
  }

  public TransferException(FailureReason reason, String message) {
    this(reason, message, false, null);
  }

  public static TransferException invalid(String message) {
    return new TransferException(FailureReason.INVALID_ARGUMENT, message);
  }

  public static TransferException denied(String message) {
    return new TransferException(FailureReason.PERMISSION_DENIED, message);
  }

  public static TransferException checksum(String message) {
    return new TransferException(FailureReason.IMAGE_CHECKSUM_MISMATCH, message);
  }

  public FailureReason reason() {
    return reason;
  }

  /** True when the same transfer may succeed if tried again (a broken connection). */
  public boolean retryable() {
    return retryable;
  }
}

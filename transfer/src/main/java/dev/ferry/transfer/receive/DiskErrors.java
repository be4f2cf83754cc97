package dev.ferry.transfer.receive;

import dev.ferry.transfer.FailureReason;
import dev.ferry.transfer.TransferException;
import java.io.IOException;

/** Turns write errors into transfer failures, telling a full disk apart from other I/O errors. */
final class DiskErrors {
  private DiskErrors() {}

  static TransferException fromWrite(IOException e, String what) {
    if (e instanceof java.nio.file.FileAlreadyExistsException) {
      return TransferException.invalid("the tree names " + e.getMessage() + " twice (while writing " + what + ")");
    }
    String message = String.valueOf(e.getMessage());
    if (message.contains("No space left") || message.contains("Disk quota exceeded")) {
      return new TransferException(FailureReason.DISK_FULL, "disk full while writing " + what + ": " + message, false, e);
    }
    return new TransferException(FailureReason.INTERNAL_ERROR, "cannot write " + what + ": " + message, false, e);
  }
}

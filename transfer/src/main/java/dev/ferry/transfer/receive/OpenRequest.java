package dev.ferry.transfer.receive;

import dev.ferry.transfer.TransferException;
import dev.ferry.transfer.TransferKind;
import dev.ferry.transfer.codec.WholeFileHash;
import java.util.regex.Pattern;

/** What a sender states when it opens (or reopens) a call of one transfer. */
public record OpenRequest(
    String migrationId,
    String token,
    String sourceNode,
    String destination,
    TransferKind kind,
    String transferId,
    long bytesTotal,
    int filesTotal,
    boolean pipelined,
    String baseDestination,
    WholeFileHash wholeFileHash) {

  private static final Pattern TRANSFER_ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");

  public OpenRequest {
    if (transferId == null || !TRANSFER_ID.matcher(transferId).matches()) {
      throw TransferException.invalid("transfer id must be 1-64 letters, digits, '-' or '_', was '" + transferId + "'");
    }
    if (bytesTotal < 0 || filesTotal < 0) {
      throw TransferException.invalid("totals must not be negative (bytes " + bytesTotal + ", files " + filesTotal + ")");
    }
    if (kind == null) {
      throw TransferException.invalid("transfer kind is missing");
    }
    if (wholeFileHash == null) {
      throw TransferException.invalid("whole-file hash is missing");
    }
    baseDestination = baseDestination == null ? "" : baseDestination;
    if ((kind == TransferKind.ROOTFS_DELTA) == baseDestination.isEmpty()) {
      throw TransferException.invalid("a root-filesystem delta, and only a delta, names the base it applies to (kind "
          + kind + ", base '" + baseDestination + "')");
    }
  }
}

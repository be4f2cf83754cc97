package dev.ferry.transfer;

import java.nio.file.Path;

/**
 * Decides whether a sender may write, and where. The receiver writes only inside the directory
 * returned here (through a hidden staging sibling that is renamed into place on success).
 */
@FunctionalInterface
public interface Admission {

  /**
   * Returns the absolute directory that this transfer fills. It must not exist yet; its parent
   * must (it is the migration's own directory).
   *
   * @throws TransferException with {@link FailureReason#PERMISSION_DENIED} for an unknown
   *     migration, a wrong token or source, {@link FailureReason#INVALID_ARGUMENT} for a bad
   *     destination name
   */
  Path admit(String migrationId, String token, String sourceNode, String destination);
}

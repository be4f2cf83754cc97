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

  /**
   * Whether a new transfer of this migration may replace the complete tree an earlier transfer left
   * at {@code target} (a step sent again, say by a coordinator that took over). The replacement
   * is atomic at commit: until then the earlier tree stays as it was. Default: an existing target
   * is refused.
   */
  default boolean replaces(String migrationId, Path target) {
    return false;
  }
}

package dev.ferry.transfer;

/** What a transfer carries. */
public enum TransferKind {
  IMAGES,
  ROOTFS_FULL,
  ROOTFS_DELTA,
  PRECOPY_ROUND;

  /** Memory pages (a checkpoint, a pre-copy round) rather than a root filesystem's files: data of another shape. */
  public boolean carriesMemory() {
    return this == IMAGES || this == PRECOPY_ROUND;
  }

  /**
   * A whole root filesystem may be read while its container still runs (a migration's first pass):
   * a file gone (or a symbolic link now) since the walk then goes as an empty file, which the delta
   * after freeze deletes, replaces or sends again.
   * Images, rounds and deltas are read frozen: a file missing there is an error.
   */
  public boolean readWhileInUse() {
    return this == ROOTFS_FULL;
  }
}

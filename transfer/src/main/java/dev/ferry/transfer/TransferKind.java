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
}

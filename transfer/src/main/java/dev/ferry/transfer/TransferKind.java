package dev.ferry.transfer;

/** What a transfer carries. */
public enum TransferKind {
  IMAGES,
  ROOTFS_FULL,
  ROOTFS_DELTA,
  PRECOPY_ROUND
}
